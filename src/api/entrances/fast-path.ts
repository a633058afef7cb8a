import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FindBody } from '../lookup/find-body.js'
import { APIG_MODE_HEADER, hasBody, JSON_TYPE, plainLookupKey, REQUEST_ID_HEADER } from '../../runtime/wire/http.js'
import { newRequestId } from '../../runtime/wire/request-id.js'
import { proceeds, type Call, type Decisions } from '../pipeline/call.js'
import type { Decide } from '../pipeline/decide.js'
import { handOver } from './hand-over.js'
import type { RecordCall } from '../pipeline/record.js'

export interface FastPathOptions {
  decide: Decide
  record: RecordCall
  findBody: FindBody
}

/** Answers a request, returning true, or returns false to leave it to Fastify. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean

/**
 * The successful lookup of the emulated API, answered without Fastify's request lifecycle:
 * match → decide → find the body → write → record. It is what a test or load run sends over and
 * over, and Fastify's per-request machinery (request and reply objects, hook chains, validation
 * of a query already known to be valid) cost more than the lookup itself. Every other request, and
 * every request whose answer is not a 200 (a refusal, a fault, an unknown transaction), is handed
 * to Fastify with the decisions taken so far, so errors have exactly one path. The answer is the
 * same as Fastify's, byte for byte but for the request id and the Date (test/fast-path.test.ts compares the two), and
 * so is what record() keeps of it.
 */
export function createFastPath ({ decide, record, findBody }: FastPathOptions): FastPath {
  return (req, res) => {
    if (req.method !== 'GET') return false
    const url = req.url!
    const key = plainLookupKey(url)
    if (key === undefined) return false
    const { headers } = req
    // A body (which strict auth hashes) or a missing Host (a 400) is Fastify's to deal with.
    if (headers.host === undefined || hasBody(headers)) return false
    const started = performance.now()
    const call: Call = { id: newRequestId(), method: 'GET', url, headers, key, ip: req.socket.remoteAddress }
    const decisions: Decisions = {}
    // A step that throws (SQLITE_BUSY among workers, a disk error) leaves the request to Fastify,
    // which takes that step again and answers the catalogue's 500 if it fails again. A failed
    // fault decision's counters were rolled back with its transaction (a PRNG draw is not).
    try {
      decide(call, decisions)
    } catch {
      return handOver(req, call, decisions)
    }
    // The gateway's debug headers are written by Fastify's entrance alone.
    if (!proceeds(decisions) || headers[APIG_MODE_HEADER] !== undefined) return handOver(req, call, decisions)
    let body: string | undefined
    try {
      body = findBody(key.projectId, key.transactionId)
    } catch {
      return handOver(req, call, decisions)
    }
    if (body === undefined) return handOver(req, call, decisions)

    // In the order Fastify's entrance sets them: the request id and CORS headers on arrival.
    const head = [REQUEST_ID_HEADER, call.id]
    if (decisions.cors) for (const name in decisions.cors) head.push(name, decisions.cors[name])
    head.push('content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(body)))
    res.writeHead(200, head)
    res.end(body)
    record(call, decisions, 200, performance.now() - started)
    return true
  }
}
