import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https'
import dns from 'node:dns'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { answerPlainHttp } from './plain-to-tls.js'
import { installProtocolAnswers } from './server-options.js'
import { closeSilentConnections } from './silent-connections.js'

/** Answers a request before Fastify sees it, returning true, or returns false to leave it to Fastify. */
export type InFront = (req: IncomingMessage, res: ServerResponse) => boolean

type Factory = NonNullable<FastifyServerOptions['serverFactory']>

export interface ServerSet {
  /** Fastify's `serverFactory`. */
  factory: Factory
  /** Puts `inFront` before Fastify's handler on every server, those made later included. */
  putInFront: (inFront: InFront) => void
  /** What answers before Fastify on `server`, if anything (for tests). */
  inFrontOf: (server: Server) => InFront | undefined
  /** How many servers it made (one: Fastify listens on one address). */
  count: () => number
}

/**
 * The server Fastify listens on, made here rather than by Fastify: it gets the fast path and the
 * protocol answers (CONNECT, Expect; Fastify adds the parser-error answers) from the start, with
 * options and timeouts applied as Fastify applies them to a server of its own
 * (fastify/lib/server.js, getServerInstance). With a server factory Fastify listens on one
 * address, also for `localhost` (without one, it adds a server of its own, without any of these
 * answers, for each further address of localhost): every address served answers alike, and
 * sayWhichAddress() names the one when the host name has more.
 */
export function createServerSet (): ServerSet {
  let inFront: InFront | undefined
  const servers = new Set<Server>()
  const factory: Factory = (handler, options) => {
    const fastify = handler as unknown as RequestListener
    const listener: RequestListener = (req, res) => {
      if (inFront === undefined) { fastify(req, res); return }
      // A throw before the answer began leaves the request to Fastify, which renders any error
      // in the catalogue's shape; a listener that threw would take the process down.
      let answered: boolean
      try {
        answered = inFront(req, res)
      } catch {
        answered = res.headersSent
      }
      if (!answered) fastify(req, res)
    }
    // Fastify types these options loosely for a factory; they are its own, defaults filled in.
    const { https, http, keepAliveTimeout, requestTimeout, connectionTimeout } = options as unknown as
      { https?: HttpsOptions, http?: HttpsOptions, keepAliveTimeout: number, requestTimeout: number, connectionTimeout: number }
    let server: Server
    if (https === undefined) {
      server = createHttpServer(http ?? {}, listener)
      closeSilentConnections(server, 'connection')
    } else {
      const secure = createHttpsServer({ ...http, ...https }, listener)
      answerPlainHttp(secure)
      closeSilentConnections(secure, 'secureConnection')
      server = secure
    }
    server.keepAliveTimeout = keepAliveTimeout
    server.requestTimeout = requestTimeout
    server.setTimeout(connectionTimeout)
    servers.add(server)
    server.once('close', () => servers.delete(server))
    installProtocolAnswers(server)
    return server as ReturnType<Factory>
  }
  return {
    factory,
    putInFront (front) { inFront = front },
    inFrontOf: (server) => servers.has(server) ? inFront : undefined,
    count: () => servers.size
  }
}

/**
 * When `host` resolves to several addresses (`localhost`: 127.0.0.1 and ::1 on a dual-stack
 * machine), logs which one the emulator listens on, once it listens; Fastify's own line gives
 * only the address.
 */
export function sayWhichAddress (app: FastifyInstance, host: string): void {
  app.addHook('onListen', (done) => {
    dns.lookup(host, { all: true }, (err, addresses) => {
      const listening = app.server.address()
      if (err === null && addresses.length > 1 && typeof listening === 'object' && listening !== null) {
        app.log.info({ host, addresses: addresses.map((a) => a.address), listening: listening.address },
          `${host} has ${addresses.length} addresses; listening on ${listening.address} only`)
      }
      done()
    })
  })
}
