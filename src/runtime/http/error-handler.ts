import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { ErrorObject } from 'ajv'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { CloudError, errors, RefusedInput } from '../../errors.js'
import { fieldOf, reportedError, ruleOf } from '../../schemas/validator.js'
import { JSON_TYPE, REQUEST_ID_HEADER } from '../wire/http.js'
import { newRequestId } from '../wire/request-id.js'

/** Maps anything thrown or passed to reply.send(err) onto the catalogue. */
export function toCloudError (err: FastifyError | Error): CloudError {
  if (err instanceof CloudError) return err
  if (err instanceof RefusedInput) return errors.invalidBody(err.message)
  const e = err as FastifyError
  if (e.validation && e.validation.length > 0) {
    // Our validators are Ajv's, so these are Ajv ErrorObjects (verbose: with the offending data).
    const first = reportedError(e.validation as unknown as ErrorObject[])
    const field = fieldOf(first)
    if (e.validationContext === 'body') return errors.invalidBody(`field ${field || '(body)'} ${ruleOf(first)}`)
    // The service answers a missing or empty transaction_id with its generic "input is empty" error.
    if (field === 'transaction_id' && (first.keyword === 'required' || first.keyword === 'minLength')) return errors.emptyParameter()
    // The query parser turns a repeated parameter into an array.
    if (first.keyword === 'type' && Array.isArray(first.data)) return errors.invalidParameter(field, 'must be given exactly once')
    if (first.keyword === 'additionalProperties') return errors.invalidParameter(field, 'is not a known parameter')
    return errors.invalidParameter(field, ruleOf(first))
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return errors.bodyTooLarge()
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return errors.invalidBody('not valid JSON')
    // RFC 9110 §15.5.16: a body in a format the route does not take.
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return errors.unsupportedMediaType()
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return errors.invalidBody('its length is not the Content-Length sent')
  }
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) return errors.badRequest()
  return errors.internal()
}

/** Reading the request failed because the client went away (its body cut short, the socket closed). */
const clientWentAway = (err: FastifyError, request: FastifyRequest): boolean =>
  err.code === 'ECONNRESET' || (request.raw.destroyed && !request.raw.complete)

function sendError (err: CloudError, request: FastifyRequest, reply: FastifyReply): void {
  reply.code(err.statusCode).type(JSON_TYPE).header(REQUEST_ID_HEADER, request.id).send(err.toBody(request.id))
}

/** One error handler and one not-found handler for the whole app, so every error has the cloud's shape. */
export function installErrorHandling (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (clientWentAway(err, request)) {
      // Nobody is left to answer and nothing failed here: an API request error, not an internal one.
      request.log.info({ code: err.code }, 'the client closed the connection before its request was complete')
      sendError(errors.badRequest(), request, reply)
      return
    }
    const cloud = toCloudError(err)
    if (cloud.statusCode >= 500 && !(err instanceof CloudError)) request.log.error({ err }, 'internal failure')
    sendError(cloud, request, reply)
  })
  app.setNotFoundHandler((request, reply) => sendError(errors.routeNotFound(), request, reply))
}

/** Fastify `frameworkErrors`: errors raised while routing, before any hook runs. */
export function frameworkErrors (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.log.debug({ err }, 'request rejected while routing')
  sendError(errors.badRequest(), request, reply)
}

/** A whole HTTP/1.1 response carrying a catalogue error, for answers written straight on a socket. */
export function rawErrorResponse (cloud: CloudError): string {
  const id = newRequestId()
  const body = JSON.stringify(cloud.toBody(id))
  return `HTTP/1.1 ${cloud.statusCode} ${STATUS_CODES[cloud.statusCode]}\r\n` +
    `Content-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${id}\r\n` +
    `Connection: close\r\n\r\n${body}`
}

/**
 * Fastify `clientErrorHandler`: the HTTP parser rejected the bytes, or the request did not arrive
 * in time, so there is no request object; the answer is written on the socket directly, in the
 * catalogue's shape. Nothing is written once a response on this connection has begun: its bytes
 * and ours would interleave.
 */
export function clientErrorHandler (err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (socket.writable && inFlight?.headersSent !== true) {
    const cloud = err.code === 'HPE_HEADER_OVERFLOW'
      ? errors.headersTooLarge()
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? errors.requestTimeout() : errors.badRequest()
    socket.end(rawErrorResponse(cloud))
    socket.destroySoon()
    return
  }
  socket.destroy()
}
