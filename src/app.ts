import Fastify, { LogController, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { DestinationStream } from 'pino'
import type { Config } from './config/config.js'
import { createAuthenticator } from './api/auth/authenticator.js'
import { swaggerOptions } from './control/openapi-document.js'
import { errors } from './errors.js'
import { DEFAULT_LIMITS, type ServerLimits } from './runtime/limits.js'
import { clientErrorHandler, frameworkErrors, installErrorHandling } from './runtime/http/error-handler.js'
import { compileSerializersOnFirstUse } from './runtime/http/lazy-serializer.js'
import { guardDescriptors } from './runtime/http/descriptor-limit.js'
import { serverOptions } from './runtime/http/server-options.js'
import { createServerSet, sayWhichAddress, type ServerSet } from './runtime/http/servers.js'
import { installRequestLog, loggerOptions, requestsLogged } from './runtime/logging/logger-options.js'
import { requestLoggerFactory } from './runtime/logging/request-logger.js'
import { bufferedStdout } from './runtime/logging/stdout-destination.js'
import { createEmulatorState } from './api/state.js'
import { createFaultDecider, createLatencyWait } from './api/faults/decide.js'
import { parseLatencyFlag } from './api/faults/latency.js'
import { createThrottle } from './api/throttle/throttle.js'
import { installCors, withCorsHeaders } from './api/cors/hook.js'
import { parseCorsOrigins } from './api/cors/policy.js'
import { installGracefulClose } from './runtime/lifecycle/graceful-close.js'
import { loadFaultRules } from './api/faults/load.js'
import { createMetrics } from './runtime/metrics/metrics.js'
import { createPipeline } from './api/pipeline/index.js'
import { createFastPath } from './api/entrances/fast-path.js'
import { installApiEntrance } from './api/entrances/fastify.js'
import { handedOver } from './api/entrances/hand-over.js'
import { accessStagesRoute } from './api/operations/access-stages.js'
import { CONTROL_BODY_LIMIT, controlPlane } from './control/index.js'
import { dashboardRoutes } from './control/dashboard/routes.js'
import { DASHBOARD_DIR } from './control/dashboard/dir.js'
import { validatorCompiler } from './schemas/validator.js'
import { openDb, type Db } from './store/db.js'
import { claimDatabase } from './store/lock.js'
import { loadFixtures } from './store/fixtures.js'
import { createFindBody } from './api/lookup/find-body.js'
import { createDriftDetector } from './api/upstream/drift.js'
import { createForwarding, loadUpstreamAuth } from './api/upstream/setup.js'
import { readTlsFiles, resolveTls, type TlsSetup } from './runtime/tls/material.js'
import { hostMissing, REQUEST_ID_HEADER } from './runtime/wire/http.js'
import { newRequestId } from './runtime/wire/request-id.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when serving HTTPS: the certificate served, and the file a generated one was written to. */
    tls?: { certificate: string, certificateFile?: string }
  }
}

export interface BuildOptions {
  /** Where log lines go instead of stdout (tests capture them here). */
  logStream?: DestinationStream
  /** False in the workers of `--workers N`, whose primary has already seeded the shared database. */
  seedState?: boolean
  /** Connection limits other than the defaults (tests shorten the timeouts). */
  limits?: Partial<ServerLimits>
  /** The host's clock, epoch ms; tests freeze it so that only the control plane's offset moves time. */
  hostClock?: () => number
  /** The built dashboard's folder (default dist/ui/ of the package). */
  dashboardDir?: string
  /** The set that makes the servers Fastify listens on (tests pass one to look at them). */
  servers?: ServerSet
}

/** Builds the emulator without listening; the CLI and the tests both start it this way. */
export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  // Files are read before anything is opened, so a bad one stops start-up with nothing to undo.
  const fixtures = config.fixtures === false ? [] : loadFixtures(config.fixtures)
  const startupFaults = config.faults === undefined ? [] : loadFaultRules(config.faults)
  // The emulator's clock lives in the state, opened below; the authenticator reads it per request.
  let now: () => number = Date.now
  const authenticate = createAuthenticator(config, () => now())
  const upstreamAuth = loadUpstreamAuth(config)
  const cors = config.cors === undefined ? undefined : parseCorsOrigins(config.cors)
  const tlsFiles = readTlsFiles(config)

  // A worker serves the file its primary has claimed for the whole cluster.
  const claim = options.seedState === false ? undefined : claimDatabase(config.db)
  let db: Db | undefined
  let tls: TlsSetup | undefined
  try {
    db = openDb(config.db, { shared: config.workers > 1 })
    // HTTPS is chosen when the server is made, so the TLS pair (kept in the database) comes first.
    tls = await resolveTls(config, db, tlsFiles, { writeCertificate: options.seedState !== false })
  } catch (err) {
    db?.close()
    claim?.release()
    throw err
  }

  // JSON lines on stdout in batches, unless a test captures them or a person reads them at a terminal.
  const stdout = options.logStream === undefined && !process.stdout.isTTY && config.logLevel !== 'silent' ? bufferedStdout() : undefined
  const servers = options.servers ?? createServerSet()
  const app = Fastify({
    logger: loggerOptions(config, options.logStream ?? stdout?.stream),
    logController: new LogController({ disableRequestLogging: true }),
    // A request the fast path handed over keeps the id it was given there.
    genReqId: (req) => handedOver(req)?.call.id ?? newRequestId(),
    childLoggerFactory: requestLoggerFactory,
    // Long enough for any project_id/transaction_id the schemas accept, percent-encoded.
    routerOptions: { maxParamLength: 1024 },
    bodyLimit: CONTROL_BODY_LIMIT,
    return503OnClosing: false,
    frameworkErrors: withCorsHeaders(cors, frameworkErrors),
    clientErrorHandler,
    serverFactory: servers.factory,
    schemaController: { compilersFactory: { buildSerializer: compileSerializersOnFirstUse } },
    ...serverOptions({ ...DEFAULT_LIMITS, ...options.limits }, tls)
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.decorate('tls', tls === undefined ? undefined : { certificate: tls.cert, certificateFile: tls.certificateFile })
  app.setValidatorCompiler(validatorCompiler)
  // onClose hooks run last-added first: this one, added first, writes the lines the others log.
  if (stdout !== undefined) app.addHook('onClose', async () => stdout.close())
  guardDescriptors(app.server, app.log)

  const state = createEmulatorState(db, config, fixtures, startupFaults, { seed: options.seedState, hostClock: options.hostClock })
  now = state.clock.now
  app.addHook('onClose', async () => {
    state.journal.flush()
    db.close()
    claim?.release()
  })

  // Callback style: an async hook costs a promise and a microtask on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id)
    if (hostMissing(request.raw)) done(errors.badRequest())
    else done()
  })
  installCors(app, cors)
  installErrorHandling(app)
  const drift = createDriftDetector(app.log)
  const metrics = createMetrics({
    journalSize: () => state.journal.count(),
    transactions: () => state.transactions.count(),
    faultRules: () => state.faults.count(),
    drift: config.unknownTransaction === 'proxy' ? drift.counts : undefined
  })
  metrics.countUnmatched(app)
  installRequestLog(app, config.logLevel, { unmatchedOnly: true })
  await app.register(swagger, swaggerOptions)

  // The emulated API: one pipeline (CORS headers, authentication, throttling, faults and latency;
  // every request recorded) for its two entrances.
  const pipeline = createPipeline({
    cors,
    authenticate,
    throttle: createThrottle({ policies: state.rateLimits.policies, counters: state.rateLimits.counters, clock: state.clock }),
    decideFault: createFaultDecider({ faults: state.faults, rng: state.rng, prefer: config.prefer }),
    latencyWait: createLatencyWait(config.latency === undefined ? undefined : parseLatencyFlag(config.latency), state.latencyRng, config.prefer),
    journal: state.journal,
    metrics,
    log: app.log,
    logRequests: requestsLogged(config.logLevel)
  })
  const findBody = createFindBody(state.transactions, config.unknownTransaction)
  const forwarding = createForwarding(config, {
    auth: upstreamAuth,
    drift,
    recordBody: state.transactions.putBody,
    count: metrics.upstreamResult,
    log: app.log
  })
  if (forwarding !== undefined) app.addHook('onClose', async () => forwarding.close())
  await app.register(async (api) => {
    installApiEntrance(api, pipeline)
    await api.register(accessStagesRoute, { findBody, forward: forwarding?.forward })
  })
  await app.register(async (control) => {
    metrics.countScope(control)
    installRequestLog(control, config.logLevel)
    await control.register(controlPlane, { state, adminToken: config.adminToken, auth: config.auth, resetAuth: authenticate.reset, metrics, drift })
    await control.register(dashboardRoutes, { dir: options.dashboardDir ?? DASHBOARD_DIR })
  })
  const trackRequests = installGracefulClose(app, config.shutdownGrace * 1000)
  sayWhichAddress(app, config.host)
  await app.ready()
  if (config.fastPath) servers.putInFront(createFastPath({ decide: pipeline.decide, record: pipeline.record, findBody }))
  trackRequests()
  return app
}
