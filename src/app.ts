import Fastify, { LogController, type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'
import { installAuth, createAuthenticator } from './auth/plugin.js'
import { swaggerOptions } from './openapi.js'
import { clientErrorHandler, frameworkErrors, installErrorHandling } from './plugins/error-handler.js'
import { installRequestLog, loggerOptions } from './plugins/logging.js'
import { newRequestId } from './plugins/request-id.js'
import { createEmulatorState } from './emulator-state.js'
import { installFaults } from './faults/hook.js'
import { loadFaultRules } from './faults/load.js'
import { installJournal, recordRequest } from './journal/hook.js'
import { accessStagesRoute } from './routes/access-stages.js'
import { CONTROL_BODY_LIMIT, controlPlane } from './routes/control/index.js'
import { validatorCompiler } from './schemas/validator.js'
import { openDb } from './store/db.js'
import { loadFixtures } from './store/fixtures.js'
import { createLookup } from './store/lookup.js'

export interface BuildOptions {
  /** Where log lines go instead of stdout (tests capture them here). */
  logStream?: DestinationStream
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
    // Long enough for any project_id/transaction_id the schemas accept, percent-encoded.
    routerOptions: { maxParamLength: 1024 },
    bodyLimit: CONTROL_BODY_LIMIT,
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)

  const db = openDb(config.db)
  const state = createEmulatorState(db, config, fixtures, startupFaults)
  app.addHook('onClose', async () => {
    state.journal.flush()
    db.close()
  })

  app.addHook('onRequest', async (request, reply) => { reply.header('x-request-id', request.id) })
  installErrorHandling(app)
  installRequestLog(app, config.logLevel)
  await app.register(swagger, swaggerOptions)

  // The emulated API: authentication, then faults, then the route; every request journalled.
  await app.register(async (api) => {
    installAuth(api, authenticate)
    installFaults(api, {
      faults: state.faults,
      rng: state.rng,
      prefer: config.prefer,
      onHijacked: (request, elapsedMs) => recordRequest(state.journal, request, 0, elapsedMs)
    })
    installJournal(api, state.journal)
    await api.register(accessStagesRoute, { lookup: createLookup(state.transactions, config.unknownTransaction) })
  })
  await app.register(controlPlane, { state, adminToken: config.adminToken })
  await app.ready()
  return app
}
