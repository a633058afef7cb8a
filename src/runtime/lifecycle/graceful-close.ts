import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'

/**
 * What `app.close()` does to connections (emulator contract §6), on top of Fastify's own close:
 * - requests in flight are answered with `Connection: close` (RFC 9112 §9.6), and so are requests
 *   that still arrive on an open connection, so no client reuses a socket that is about to go;
 * - idle keep-alive connections are closed at once, and each one that goes idle afterwards too;
 * - requests still running `graceMs` after the close began (an injected delay, a slow client) are
 *   cut, each logged at warn. Injected hangs are ended at once by the faults' own preClose hook.
 * Call it before `app.ready()` (hooks are added then), and the function it returns once every other
 * request listener is in place: the tracking listener goes in front of them all.
 */
export function installGracefulClose (app: FastifyInstance, graceMs: number): () => void {
  const server = app.server
  const inFlight = new Set<ServerResponse>()
  let closing = false

  app.addHook('preClose', (done) => {
    closing = true
    // Read when the headers are written: a response not yet begun says `Connection: close` and its
    // socket is ended once it is sent.
    for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false
    server.closeIdleConnections()
    // At the end of the grace whatever is left goes: requests still running (each named at warn),
    // and connections kept open by a response begun before the close (a stream ended since).
    // Unref'd: an app that never listened has nothing to wait for.
    const timer = setTimeout(() => {
      for (const res of inFlight) {
        app.log.warn({ method: res.req.method, url: res.req.url, graceMs }, 'request still running at the end of the shutdown grace; connection closed')
        res.socket?.destroy()
      }
      server.closeAllConnections()
    }, graceMs).unref()
    server.once('close', () => clearTimeout(timer))
    done()
  })

  return () => {
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (closing) res.shouldKeepAlive = false
      inFlight.add(res)
      res.once('close', () => {
        inFlight.delete(res)
        // On the next turn, once Node counts the connection as idle: one whose response began before
        // the close (so it could not say Connection: close) would otherwise wait for the keep-alive timeout.
        if (closing) setImmediate(() => server.closeIdleConnections())
      })
    })
  }
}
