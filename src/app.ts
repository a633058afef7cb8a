import type { FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Config } from './config/config.js'
import { createDriftDetector, createEmulatorState, installApi, readApiFiles } from './api/index.js'
import { CONTROL_BODY_LIMIT, controlPlane } from './control/index.js'
import { dashboardRoutes } from './control/dashboard/routes.js'
import { DASHBOARD_DIR } from './control/dashboard/dir.js'
import { installOpenApi } from './control/openapi-document.js'
import { createAccounting } from './runtime/accounting.js'
import { createFastifyApp } from './runtime/http/fastify-app.js'
import { createServerSet, sayWhichAddress, type ServerSet } from './runtime/http/servers.js'
import type { ServerLimits } from './runtime/limits.js'
import { installGracefulClose } from './runtime/lifecycle/graceful-close.js'
import { requestsLogged } from './runtime/logging/logger-options.js'
import { createMetrics } from './runtime/metrics/metrics.js'
import { openStorage, readTlsFiles } from './runtime/storage.js'

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
  // The emulator's clock lives in the state, opened below; the authenticator reads it per request.
  let now: () => number = Date.now
  const files = readApiFiles(config, () => now())
  const tlsFiles = readTlsFiles(config)
  const storage = await openStorage(config, tlsFiles, { claim: options.seedState !== false })

  const servers = options.servers ?? createServerSet()
  const app = createFastifyApp(config, { ...options, servers, tls: storage.tls, frameworkErrors: files.frameworkErrors, bodyLimit: CONTROL_BODY_LIMIT, requestIdOf: files.requestIdOf })
  const state = createEmulatorState(storage.db, config, files.fixtures, files.startupFaults, { seed: options.seedState, hostClock: options.hostClock, log: app.log })
  now = state.clock.now
  app.addHook('onClose', async () => {
    state.journal.flush()
    storage.close()
  })

  const drift = createDriftDetector(app.log)
  const metrics = createMetrics({
    journalSize: () => state.journal.count(),
    transactions: () => state.transactions.count(),
    faultRules: () => state.faults.count(),
    deferredWrites: () => state.journal.deferredWrites?.() ?? 0,
    drift: config.unknownTransaction === 'proxy' ? drift.counts : undefined
  })
  // One way to count and log a request: the pipeline's record() for the API's, this for the rest.
  const accounting = createAccounting(metrics, app.log, requestsLogged(config.logLevel))
  accounting.install(app)
  await installOpenApi(app)

  const fastPath = await installApi(app, { config, files, state, metrics, accounting, drift })
  await app.register(async (control) => {
    await control.register(controlPlane, { state, adminToken: config.adminToken, auth: config.auth, resetAuth: files.authenticate.reset, metrics, drift })
    await control.register(dashboardRoutes, { dir: options.dashboardDir ?? DASHBOARD_DIR })
  })
  const trackRequests = installGracefulClose(app, config.shutdownGrace * 1000)
  sayWhichAddress(app, config.host)
  await app.ready()
  if (fastPath !== undefined) servers.putInFront(fastPath)
  trackRequests()
  return app
}
