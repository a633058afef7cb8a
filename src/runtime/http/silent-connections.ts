import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/** Per server: the connections a shutdown may close at once, each with the test of whether it still is idle. */
const idleTests = new WeakMap<Server, Map<Socket, () => boolean>>()

/**
 * Lets `server.closeIdleConnections()` (what a shutdown calls) also close `socket` while `idle()`
 * says it holds no request. Node counts a connection as busy from the moment it opens (its
 * headers timeout runs from the connect), and knows nothing of a TLS connection before its
 * handshake ends, so such sockets would otherwise hold every shutdown for the whole grace.
 */
export function closeWhenIdle (server: Server, socket: Socket, idle: () => boolean): void {
  let sockets = idleTests.get(server)
  if (sockets === undefined) {
    const tracked = new Map<Socket, () => boolean>()
    const closeIdle = server.closeIdleConnections.bind(server)
    server.closeIdleConnections = () => {
      for (const [open, isIdle] of tracked) if (isIdle()) open.destroy()
      closeIdle()
    }
    idleTests.set(server, tracked)
    sockets = tracked
  }
  const tracked = sockets
  tracked.set(socket, idle)
  socket.once('close', () => tracked.delete(socket))
}

/**
 * Connections that have not sent a byte of a request (a browser's preconnect, a TCP health
 * probe) count as idle, so a shutdown closes them; one that has begun a request still gets the
 * grace. `event` is the one that hands the server a connection its HTTP layer reads:
 * `secureConnection` over TLS, whose socket counts the bytes after the handshake.
 */
export function closeSilentConnections (server: Server, event: 'connection' | 'secureConnection'): void {
  server.on(event, (socket: Socket) => closeWhenIdle(server, socket, () => socket.bytesRead === 0))
}
