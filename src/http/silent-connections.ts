import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/**
 * Makes `server.closeIdleConnections()` (what a shutdown calls) also close connections that have
 * not sent a byte of a request: they hold nothing in flight. Node counts a connection as busy from
 * the moment it opens (its headers timeout runs from the connect), so one opened and left silent,
 * a browser's preconnect or a TCP health probe, held every shutdown for the whole
 * `--shutdown-grace`. A connection that has begun a request still gets the grace. `event` is the
 * one that hands the server a connection its HTTP layer reads: `secureConnection` over TLS, whose
 * socket counts the bytes after the handshake.
 */
export function closeSilentConnections (server: Server, event: 'connection' | 'secureConnection'): void {
  const open = new Set<Socket>()
  server.on(event, (socket: Socket) => {
    open.add(socket)
    socket.once('close', () => open.delete(socket))
  })
  const closeIdle = server.closeIdleConnections.bind(server)
  server.closeIdleConnections = () => {
    for (const socket of open) if (socket.bytesRead === 0) socket.destroy()
    closeIdle()
  }
}
