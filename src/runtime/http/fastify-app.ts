import type { IncomingMessage } from 'node:http'
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { DestinationStream } from 'pino'
import type { Config } from '../../config/schema.js'
import { errors } from '../../errors.js'
import { validatorCompiler } from '../../schemas/validator.js'
import { DEFAULT_LIMITS, type ServerLimits } from '../limits.js'
import { loggerOptions } from '../logging/logger-options.js'
import { requestLoggerFactory } from '../logging/request-logger.js'
import { bufferedStdout } from '../logging/stdout-destination.js'
import type { TlsSetup } from '../tls/material.js'
import { guardDescriptors } from './descriptor-limit.js'
import { clientErrorHandler, installErrorHandling } from './error-handler.js'
import { compileSerializersOnFirstUse } from './lazy-serializer.js'
import { serverOptions } from './server-options.js'
import type { ServerSet } from './servers.js'
import { hostMissing, REQUEST_ID_HEADER } from '../wire/http.js'
import { newRequestId } from '../wire/request-id.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when serving HTTPS: the certificate served, and the file a generated one was written to. */
    tls?: { certificate: string, certificateFile?: string }
  }
}

export interface FastifyAppOptions {
  /** Where log lines go instead of stdout (tests capture them here). */
  logStream?: DestinationStream
  /** Connection limits other than the defaults (tests shorten the timeouts). */
  limits?: Partial<ServerLimits>
  servers: ServerSet
  tls?: TlsSetup
  /** Fastify's `frameworkErrors` (errors raised while routing, before any hook). */
  frameworkErrors: (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => void
  /** The most bytes of a body Fastify parses (the control plane's limit). */
  bodyLimit: number
  /** The id a request already has (one the fast path handed over keeps the id it was given there). */
  requestIdOf: (req: IncomingMessage) => string | undefined
}

/**
 * The Fastify instance every wing registers on: the logger, the connection limits and servers, the
 * validator, one error handler, and the request id that every answer carries.
 */
export function createFastifyApp (config: Config, { logStream, limits, servers, tls, frameworkErrors, bodyLimit, requestIdOf }: FastifyAppOptions): FastifyInstance {
  // JSON lines on stdout in batches, unless a test captures them or a person reads them at a terminal.
  const stdout = logStream === undefined && !process.stdout.isTTY && config.logLevel !== 'silent' ? bufferedStdout() : undefined
  const app = Fastify({
    logger: loggerOptions(config, logStream ?? stdout?.stream),
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => requestIdOf(req) ?? newRequestId(),
    childLoggerFactory: requestLoggerFactory,
    // Long enough for any project_id/transaction_id the schemas accept, percent-encoded.
    routerOptions: { maxParamLength: 1024 },
    bodyLimit,
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler,
    serverFactory: servers.factory,
    schemaController: { compilersFactory: { buildSerializer: compileSerializersOnFirstUse } },
    ...serverOptions({ ...DEFAULT_LIMITS, ...limits }, tls)
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.decorate('tls', tls === undefined ? undefined : { certificate: tls.cert, certificateFile: tls.certificateFile })
  app.setValidatorCompiler(validatorCompiler)
  // onClose hooks run last-added first: this one, added first, writes the lines the others log.
  if (stdout !== undefined) app.addHook('onClose', async () => stdout.close())
  guardDescriptors(app.server, app.log)
  // Callback style: an async hook costs a promise and a microtask on every request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id)
    if (hostMissing(request.raw)) done(errors.badRequest())
    else done()
  })
  installErrorHandling(app)
  return app
}
