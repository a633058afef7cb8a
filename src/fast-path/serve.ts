import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http'
import type { FastifyBaseLogger } from 'fastify'
import { decideCors } from '../cors/decide.js'
import type { CorsPolicy } from '../cors/policy.js'
import { authOutcome, type Authenticator } from '../auth/types.js'
import type { FaultDecider } from '../faults/hook.js'
import type { FaultDecision } from '../faults/select.js'
import { journalRecord } from '../journal/hook.js'
import type { Journal } from '../journal/journal.js'
import type { RouteStats } from '../metrics/request-stats.js'
import { newRequestId } from '../plugins/request-id.js'
import type { FindBody } from '../store/lookup.js'
import { plainLookupKey } from './match.js'
import { handOver } from './prior.js'

export interface FastPathOptions {
  authenticate: Authenticator
  decideFault: FaultDecider
  findBody: FindBody
  /** `--cors`: the API's answers carry CORS headers for the origins it allows. */
  cors?: CorsPolicy
  journal: Journal
  /** The counters of the route the fast path answers for. */
  stats: RouteStats
  log: FastifyBaseLogger
  /** Whether each request gets its log line (at info and below). */
  logRequests: boolean
}

/** Answers a request, returning true, or returns false to leave it to Fastify. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * The successful lookup of the emulated API, answered without Fastify's request lifecycle. It is
 * what a test or load run sends over and over, and Fastify's per-request machinery (request and
 * reply objects, hook chains, validation of a query already known to be valid) cost more than the
 * lookup itself. Every other request, and every request whose answer is not a 200 (a failed
 * authentication, a fault, an unknown transaction), goes to Fastify, so errors have exactly one
 * path. The answer is the same as Fastify's, byte for byte but for the request id and the Date
 * (test/fast-path.test.ts compares the two), and so are the journal entry, the metrics and the log line.
 */
export function createFastPath ({ authenticate, decideFault, findBody, cors, journal, stats, log, logRequests }: FastPathOptions): FastPath {
  return (req, res) => {
    if (req.method !== 'GET') return false
    const url = req.url!
    const key = plainLookupKey(url)
    if (key === undefined) return false
    const { headers } = req
    // A body (which strict auth hashes) or a missing Host (a 400) is Fastify's to deal with.
    if (headers.host === undefined || headers['transfer-encoding'] !== undefined || (headers['content-length'] !== undefined && headers['content-length'] !== '0')) return false
    const started = performance.now()
    const verdict = authenticate({ method: 'GET', url, headers })
    if (verdict.error !== undefined) return handOver(req, { auth: verdict })
    // A store that throws (SQLITE_BUSY among workers, a disk error) leaves the request to Fastify,
    // which takes the failed step again and answers the catalogue's 500 if it fails again. A failed
    // fault decision's counters were rolled back with its transaction (a PRNG draw is not).
    let fault: FaultDecision | undefined
    try {
      fault = decideFault(key, headers)
    } catch {
      return handOver(req, { auth: verdict })
    }
    if (fault !== undefined) return handOver(req, { auth: verdict, fault })
    let body: string | undefined
    try {
      body = findBody(key.projectId, key.transactionId)
    } catch {
      return handOver(req, { auth: verdict, fault: null })
    }
    if (body === undefined) return handOver(req, { auth: verdict, fault: null })

    const id = newRequestId()
    // In the order Fastify's path sets them: the request id and CORS headers first, on arrival.
    const head = ['x-request-id', id]
    if (cors !== undefined) {
      // A GET of the API is never a preflight nor refused: decideCors only adds headers to it.
      const decision = decideCors(cors, { method: 'GET', url, headers, secure: false })
      if (decision.kind === 'answer' && decision.headers !== undefined) for (const name in decision.headers) head.push(name, decision.headers[name])
    }
    head.push('content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(body)))
    res.writeHead(200, head)
    res.end(body)
    const elapsed = performance.now() - started
    try {
      stats.record(200, elapsed)
      journal.append(journalRecord({ id, method: 'GET', url, projectId: key.projectId, transactionId: key.transactionId, auth: authOutcome(verdict) }, 200, elapsed))
      // The line Fastify's request logger writes: reqId first, as its child-logger binding would be.
      if (logRequests) log.info({ reqId: id, req: { method: 'GET', url, headers, ip: req.socket.remoteAddress }, res: { statusCode: 200 }, responseTime: elapsed }, 'request')
    } catch (err) {
      // The answer is out; a bookkeeping failure must not take the process down with it.
      log.error({ err, reqId: id }, 'recording an answered request failed')
    }
    return true
  }
}

/**
 * Puts the fast path in front of Fastify's request listener on the server Fastify made, which
 * keeps that server's set-up (timeouts, extra addresses for a host name) Fastify's own. A throw
 * from the fast path before it answered leaves the request to Fastify, which renders any error it
 * meets in the catalogue's shape; a listener that threw would take the process down.
 */
export function putInFront (server: Server, fast: FastPath): void {
  const listeners = server.listeners('request') as RequestListener[]
  if (listeners.length !== 1) throw new Error(`expected Fastify's one request listener, found ${listeners.length}`)
  const [fastify] = listeners
  server.removeListener('request', fastify)
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    let answered: boolean
    try {
      answered = fast(req, res)
    } catch {
      answered = res.headersSent
    }
    if (!answered) fastify(req, res)
  })
}
