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
import { accessStagesRoute } from './routes/access-stages.js'
import { healthRoute } from './routes/health.js'
import { openapiRoute } from './routes/openapi.js'
import { validatorCompiler } from './schemas/validator.js'
import { openDb } from './store/db.js'
import { loadFixtures } from './store/fixtures.js'
import { createLookup } from './store/lookup.js'
import { createTransactionStore } from './store/transactions.js'

export interface BuildOptions {
  /** Where log lines go instead of stdout (tests capture them here). */
  logStream?: DestinationStream
}

/** Builds the emulator without listening; the CLI and the tests both start it this way. */
export async function buildApp (config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  // Fixtures are read before anything is opened, so a bad file stops start-up with nothing to undo.
  const fixtures = config.fixtures === false ? [] : loadFixtures(config.fixtures)
  const authenticate = createAuthenticator(config)

  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: newRequestId,
    // Long enough for any project_id/transaction_id the schemas accept, percent-encoded.
    routerOptions: { maxParamLength: 1024 },
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)

  const db = openDb(config.db)
  app.addHook('onClose', async () => { db.close() })
  const store = createTransactionStore(db)
  store.putMany(fixtures)

  app.addHook('onRequest', async (request, reply) => { reply.header('x-request-id', request.id) })
  installErrorHandling(app)
  installRequestLog(app, config.logLevel)
  await app.register(swagger, swaggerOptions)

  await app.register(async (api) => {
    installAuth(api, authenticate)
    await api.register(accessStagesRoute, { lookup: createLookup(store, config.unknownTransaction) })
  })
  await app.register(healthRoute, { countTransactions: () => store.count(), countFaults: () => 0 })
  await app.register(openapiRoute)
  await app.ready()
  return app
}
