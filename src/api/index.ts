import type { FastifyInstance } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { Config } from '../config/schema.js'
import { frameworkErrors } from '../runtime/http/error-handler.js'
import type { Accounting } from '../runtime/accounting.js'
import type { Metrics } from '../runtime/metrics/metrics.js'
import type { TransactionRecord } from '../schemas/access-stages.js'
import type { FaultRule } from '../schemas/faults.js'
import { loadFixtures } from '../store/fixtures.js'
import { createAuthenticator } from './auth/authenticator.js'
import type { Authenticator } from './auth/types.js'
import { installCors, withCorsHeaders } from './cors/hook.js'
import { NO_LISTED_HOSTS } from './cors/decide.js'
import type { CorsPolicy } from './cors/policy.js'
import { createFastPath, type FastPath } from './entrances/fast-path.js'
import { installApiEntrance } from './entrances/fastify.js'
import { registerOperation } from './entrances/fastify-route.js'
import { handedOver } from './entrances/hand-over.js'
import { createFaultDecider, createLatencyWait } from './faults/decide.js'
import { loadFaultRules } from './faults/load.js'
import { createFindBody } from './lookup/find-body.js'
import { showUserAccessStages } from './operations/access-stages.js'
import { createPipeline } from './pipeline/index.js'
import type { EmulatorState } from './state.js'
import { createThrottle } from './throttle/throttle.js'
import type { DriftDetector } from './upstream/drift.js'
import { createForwarding, loadUpstreamAuth } from './upstream/setup.js'
import type { UpstreamAuth } from './upstream/sign.js'

/** The operations the wing serves, each through the whole pipeline. */
const OPERATIONS = [showUserAccessStages]

/** What the api wing reads before anything is opened, so a bad file stops start-up with nothing to undo. */
export interface ApiFiles {
  fixtures: readonly TransactionRecord[]
  startupFaults: readonly FaultRule[]
  authenticate: Authenticator
  upstreamAuth?: UpstreamAuth
  cors?: CorsPolicy
  /** Host names browsers are answered under besides localhost and IP literals (`--allowed-hosts`, `--cors`). */
  allowedHosts: ReadonlySet<string>
  /** Fastify's `frameworkErrors` with the CORS headers of the request's origin. */
  frameworkErrors: typeof frameworkErrors
  /** The id of a request the fast path handed over, which keeps it. */
  requestIdOf: (req: IncomingMessage) => string | undefined
}

/** `now`: the emulator's clock (epoch ms), opened later with the state; the authenticator reads it per request. */
export function readApiFiles (config: Config, now: () => number): ApiFiles {
  const cors = config.corsPolicy
  const allowedHosts = config.allowedHostNames ?? NO_LISTED_HOSTS
  return {
    fixtures: config.fixtures === false ? [] : loadFixtures(config.fixtures),
    startupFaults: config.faults === undefined ? [] : loadFaultRules(config.faults),
    authenticate: createAuthenticator(config, now),
    upstreamAuth: loadUpstreamAuth(config),
    cors,
    allowedHosts,
    frameworkErrors: withCorsHeaders(cors, allowedHosts, frameworkErrors),
    requestIdOf: (req) => handedOver(req)?.call.id
  }
}

export interface ApiOptions {
  config: Config
  files: ApiFiles
  state: EmulatorState
  metrics: Metrics
  accounting: Accounting
  drift: DriftDetector
}

/**
 * The emulated API, registered on `app`: CORS for every request of the app (preflights and refusals
 * included), then one pipeline per operation (authentication, throttling, faults and latency;
 * every request recorded) behind its two entrances, the Fastify route and the fast path.
 */
export async function installApi (app: FastifyInstance, { config, files, state, metrics, accounting, drift }: ApiOptions): Promise<FastPath | undefined> {
  installCors(app, files.cors, files.allowedHosts)
  const findBody = createFindBody(state.transactions, config.unknownTransaction)
  const forwarding = createForwarding(config, { auth: files.upstreamAuth, drift, recordBody: state.transactions.putBody, count: metrics.upstreamResult, log: app.log })
  if (forwarding !== undefined) app.addHook('onClose', async () => forwarding.close())
  const steps = {
    cors: files.cors,
    allowedHosts: files.allowedHosts,
    authenticate: files.authenticate,
    throttle: createThrottle({ policies: state.rateLimits.policies, counters: state.rateLimits.counters, clock: state.clock }),
    decideFault: createFaultDecider({ faults: state.faults, rng: state.rng, prefer: config.prefer }),
    latencyWait: createLatencyWait(config.latencyDistribution, state.latencyRng, config.prefer),
    findBody,
    forward: forwarding?.forward,
    journal: state.journal,
    metrics,
    account: accounting.account,
    log: app.log
  }
  const pipelines = OPERATIONS.map((operation) => {
    // Its series exists from the start, before the control plane's, as the metrics list them.
    metrics.routeStats(operation.method, operation.url)
    return { operation, pipeline: createPipeline(steps, operation.url) }
  })
  // A scope per operation, so each entrance's hooks run for its own operation's requests only.
  for (const { operation, pipeline } of pipelines) {
    await app.register(async (api) => {
      installApiEntrance(api, pipeline)
      registerOperation(api, operation, pipeline)
    })
  }
  const { pipeline } = pipelines[0]
  return config.fastPath ? createFastPath({ decide: pipeline.decide, record: pipeline.record, findBody }) : undefined
}

export { createDriftDetector } from './upstream/drift.js'
export { createEmulatorState } from './state.js'
