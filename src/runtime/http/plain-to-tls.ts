import type { Server as HttpsServer } from 'node:https'
import type { Socket } from 'node:net'
import { errors } from '../../errors.js'
import { rawErrorResponse } from './error-handler.js'
import { closeWhenIdle } from './silent-connections.js'

/** The first byte of every TLS connection: a handshake record (RFC 8446 §5.1, ContentType 22). */
const TLS_HANDSHAKE = 0x16
/** How long a connection may stay silent before its first byte: Node's TLS handshake timeout. */
export const FIRST_BYTE_TIMEOUT_MS = 120_000

/**
 * Answers plain HTTP sent to the TLS port with a 400 in the catalogue's shape that says to use
 * https://, as nginx does, instead of a connection closed without a word (curl's "Empty reply
 * from server"). The first byte of each connection is looked at before the TLS server takes it:
 * a TLS client's goes on to the handshake with nothing lost (the TLS socket reads what was put
 * back: node/lib/_tls_wrap.js, initRead), anything else is answered and closed. A connection that
 * has not sent a byte yet, or whose handshake has not finished, holds no request: it is idle, and
 * closeIdleConnections (a shutdown) closes it too. Node's HTTP layer only learns of a connection
 * once its handshake is done, so a client that stalls mid-handshake would otherwise hold the
 * shutdown until the 120 s handshake timeout.
 */
export function answerPlainHttp (server: HttpsServer): void {
  const takeOver = server.listeners('connection') as Array<(socket: Socket) => void>
  server.removeAllListeners('connection')
  // The raw socket until its TLS session is up (then the HTTP layer has the TLS socket), keyed by
  // the peer's address and port, which the TLS socket made over a raw one shares with it.
  const handshaking = new Map<string, () => void>()
  const peerOf = (socket: Socket): string => `${socket.remoteAddress}:${socket.remotePort}`
  server.on('secureConnection', (socket: Socket) => handshaking.get(peerOf(socket))?.())
  server.on('connection', (socket: Socket) => {
    // Idle while silent or mid-handshake; busy once answered here or handed to the HTTP layer.
    let busy = false
    closeWhenIdle(server, socket, () => !busy)
    // Until the TLS server takes the socket, nothing else listens for its errors: a client that
    // resets the connection before its first byte (or while its 400 is written) would otherwise
    // throw ECONNRESET out of the process. There is nobody left to answer, so it is only closed.
    const gone = (): void => { socket.destroy() }
    socket.on('error', gone)
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy())
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0)
      socket.pause()
      if (chunk[0] !== TLS_HANDSHAKE) {
        busy = true
        socket.end(rawErrorResponse(errors.plainHttpToTls()))
        socket.destroySoon()
        return
      }
      socket.unshift(chunk)
      socket.off('error', gone)
      const peer = peerOf(socket)
      const secure = (): void => { busy = true; handshaking.delete(peer) }
      handshaking.set(peer, secure)
      socket.once('close', () => { if (handshaking.get(peer) === secure) handshaking.delete(peer) })
      for (const listener of takeOver) listener.call(server, socket)
    })
  })
}
