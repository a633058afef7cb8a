import Fastify, { LogController, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'
import { installAuth, createAuthenticator } from './auth/plugin.js'
import { swaggerOptions } from './openapi.js'
import { errors } from './errors.js'
import { DEFAULT_LIMITS, type ServerLimits } from './limits.js'
import { clientErrorHandler, frameworkErrors, installErrorHandling } from './plugins/error-handler.js'
import { installProtocolAnswers, serverOptions } from './plugins/http-server.js'
import { compileSerializersOnFirstUse } from './plugins/lazy-serializer.js'
import { installRequestLog, loggerOptions, requestsLogged } from './plugins/logging.js'
import { newRequestId } from './plugins/request-id.js'
import { requestLoggerFactory } from './plugins/request-logger.js'
import { createEmulatorState } from './emulator-state.js'
import { createFaultDecider, installFaults } from './faults/hook.js'
import { createFastPath, putInFront } from './fast-path/serve.js'
import { installGracefulClose } from './lifecycle/graceful-close.js'
import { loadFaultRules } from './faults/load.js'
import { installJournal, recordRequest } from './journal/hook.js'
import { createMetrics } from './metrics/metrics.js'
import { ACCESS_STAGES_URL, accessStagesRoute } from './routes/access-stages.js'
import { CONTROL_BODY_LIMIT, controlPlane } from './routes/control/index.js'
import { validatorCompiler } from './schemas/validator.js'
import { openDb } from './store/db.js'
import { loadFixtures } from './store/fixtures.js'
import { createFindBody } from './store/lookup.js'

export interface BuildOptions {
  /** Where log lines go instead of stdout (tests capture them here). */
  logStream?: DestinationStream
  /** False in the workers of `--workers N`, whose primary has already seeded the shared database. */
  seedState?: boolean
  /** Connection limits other than the defaults (tests shorten the timeouts). */
  limits?: Partial<ServerLimits>
  /** False sends every request through Fastify (the fast path's own test compares the two). */
  fastPath?: boolean
}

/** Builds the emulator without listening; the CLI and the tests both start it this way. */
export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  // Files are read before anything is opened, so a bad one stops start-up with nothing to undo.
  const fixtures = config.fixtures === false ? [] : loadFixtures(config.fixtures)
  const startupFaults = config.faults === undefined ? [] : loadFaultRules(config.faults)
  const authenticate = createAuthenticator(config)

  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: newRequestId,
    childLoggerFactory: requestLoggerFactory,
    // Long enough for any project_id/transaction_id the schemas accept, percent-encoded.
    routerOptions: { maxParamLength: 1024 },
    bodyLimit: CONTROL_BODY_LIMIT,
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler,
    schemaController: { compilersFactory: { buildSerializer: compileSerializersOnFirstUse } },
    ...serverOptions({ ...DEFAULT_LIMITS, ...options.limits })
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  installProtocolAnswers(app.server)

  const db = openDb(config.db, { shared: config.workers > 1 })
  const state = createEmulatorState(db, config, fixtures, startupFaults, { seed: options.seedState })
  app.addHook('onClose', async () => {
    state.journal.flush()
    db.close()
  })

  // Callback style: an async hook costs a promise and a microtask on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    // HTTP/1.1 requires Host (RFC 9112 §3.2); Node's check is off so this 400 has the catalogue's shape.
    if (request.headers.host === undefined && request.raw.httpVersionMinor === 1 && request.raw.httpVersionMajor === 1) done(errors.badRequest())
    else done()
  })
  installErrorHandling(app)
  installRequestLog(app, config.logLevel)
  const metrics = createMetrics({ journalSize: () => state.journal.count(), transactions: () => state.transactions.count(), faultRules: () => state.faults.count() })
  metrics.install(app)
  await app.register(swagger, swaggerOptions)

  // The emulated API: authentication, then faults, then the route; every request journalled.
  const decideFault = createFaultDecider({ faults: state.faults, rng: state.rng, prefer: config.prefer })
  const findBody = createFindBody(state.transactions, config.unknownTransaction)
  await app.register(async (api) => {
    installAuth(api, authenticate)
    installFaults(api, {
      decide: decideFault,
      onHijacked: (request, elapsedMs) => {
        recordRequest(state.journal, request, 0, elapsedMs)
        metrics.hijacked(request, elapsedMs)
      }
    })
    installJournal(api, state.journal)
    await api.register(accessStagesRoute, { findBody })
  })
  await app.register(controlPlane, { state, adminToken: config.adminToken, resetAuth: authenticate.reset, metrics })
  const trackRequests = installGracefulClose(app, config.shutdownGrace * 1000)
  await app.ready()
  if (options.fastPath !== false) {
    putInFront(app.server, createFastPath({
      authenticate,
      decideFault,
      findBody,
      journal: state.journal,
      stats: metrics.routeStats('GET', ACCESS_STAGES_URL),
      log: app.log,
      logRequests: requestsLogged(config.logLevel)
    }))
  }
  trackRequests()
  return app
}
