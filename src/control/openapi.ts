import type { AddressInfo } from 'node:net'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { OPENAPI_URL } from './route-paths.js'

// A Host header of a host name or address and a port; anything else falls back to the bound address.
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/

/**
 * The document's `servers`: where this emulator was reached (the request's Host, which is what a
 * client generated from the document must use), else its bound address; never a fixed port.
 */
function serverUrl (request: FastifyRequest): string {
  const host = request.headers.host
  if (host !== undefined && HOST.test(host)) return `${request.protocol}://${host}`
  const bound = request.server.server.address() as AddressInfo
  const address = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address
  return `${request.protocol}://${address}:${bound.port}`
}

export const openapiRoute: FastifyPluginAsync = async (app) => {
  app.get(OPENAPI_URL, { schema: { hide: true } }, async (request) => ({ ...app.swagger(), servers: [{ url: serverUrl(request) }] }))
}
