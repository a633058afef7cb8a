import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { errors } from '../../errors.js'
import type { ServerLimits } from '../limits.js'
import type { TlsPair } from '../tls/self-signed.js'
import { rawErrorResponse } from './error-handler.js'
import { JSON_TYPE, REQUEST_ID_HEADER } from '../wire/http.js'
import { newRequestId } from '../wire/request-id.js'

/**
 * Fastify's server options for the limits: its own timeouts, and Node's through `http`, or through
 * `https` with the key and certificate when serving TLS (Fastify hands Node one or the other).
 * HTTPS is HTTP/1.1 only: no ALPN, so no client negotiates HTTP/2 with a server that would answer
 * it outside the fast path and the catalogue's error handling.
 */
export function serverOptions (limits: ServerLimits, tls?: TlsPair) {
  const http: ServerOptions = {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: limits.timeoutCheckMs,
    // Node answers a Host-less HTTP/1.1 request itself with an empty 400; the app checks it instead,
    // so the 400 has the catalogue's shape.
    requireHostHeader: false
  }
  return {
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    ...(tls === undefined ? { http } : { https: { ...http, key: tls.key, cert: tls.cert } })
  }
}

/**
 * Requests that Node answers on its own, never handing them to Fastify and its error handler, get
 * catalogue answers here instead.
 */
export function installProtocolAnswers (server: Server): void {
  // CONNECT is not a route of any kind; without a listener Node drops the socket unanswered.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy())
    socket.end(rawErrorResponse(errors.routeNotFound()))
  })
  // An Expect other than 100-continue: Node's own answer is a 417 with no body.
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const id = newRequestId()
    const body = JSON.stringify(errors.expectationFailed().toBody(id))
    res.writeHead(417, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body), [REQUEST_ID_HEADER]: id, connection: 'close' })
    res.end(body)
  })
}
