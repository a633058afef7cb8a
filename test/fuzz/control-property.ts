import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { AdminClient } from '../../src/control/admin-client.js'
import { rawExchange, requestBytes } from '../net/raw-http.js'
import { InvariantError, outcomeOf } from './api-property.js'
import { controlRequestArb, type ControlRequest } from './control-arbitraries.js'
import { countOutcome, errorLines, snapshot, type FuzzServer } from './harness.js'
import { judge, routeFor } from './oracle.js'
import { anyText } from './text-arbitraries.js'

const show = (req: ControlRequest): string => JSON.stringify({ ...req, body: req.body?.slice(0, 300) }).slice(0, 2000)

function headersOf (server: FuzzServer, req: ControlRequest): Array<[string, string]> {
  const headers: Array<[string, string]> = [['Host', '127.0.0.1'], ['Connection', 'close']]
  const authorization = req.authorization ?? server.admin.authorization
  if (authorization !== undefined) headers.push(['Authorization', authorization])
  if (req.contentType !== undefined) headers.push(['Content-Type', req.contentType])
  if (req.body !== undefined) headers.push(['Content-Length', String(Buffer.byteLength(req.body))])
  return headers
}

/**
 * Sends one control request and checks: a valid 2xx body or a catalogue error (never a 500: the
 * control plane has no faults); a rejected request changed nothing stored; an accepted write
 * stored exactly what was sent. Accepted writes are then undone by a reset.
 */
export async function checkControlRequest (server: FuzzServer, req: ControlRequest, expectUnauthorized = false): Promise<void> {
  const fail = (why: string): never => { throw new InvariantError(`${why}\n  request: ${show(req)}`) }
  const logFrom = server.logLines.length
  const before = await snapshot(server)
  const exchange = await rawExchange(server.port, requestBytes(req.method, req.target, headersOf(server, req), req.body), { methods: [req.method], end: false, timeoutMs: 15_000 })
  if (exchange.timedOut) fail('no answer within 15 s')
  const res = exchange.responses[0]
  countOutcome(server, res ? outcomeOf(res) : 'closed')
  if (!res) fail(`connection closed without a response (${exchange.error ?? 'clean close'})`)
  const verdict = judge(req.method, req.target, res)
  if (verdict.problems.length > 0) fail(`${res.status}: ${verdict.problems.join('; ')}\n  body: ${res.body.toString('utf8').slice(0, 300)}`)
  if (verdict.needsFault !== undefined) fail(`${res.status} ${res.body.toString('utf8').slice(0, 300)} is not a documented control-plane answer`)
  if (expectUnauthorized && (res.status !== 401 || (req.method !== 'HEAD' && !res.body.toString('utf8').includes('APIGW.0301')))) fail(`${res.status} without the admin token`)
  const errors = errorLines(server, logFrom)
  if (errors.length > 0) fail(`error-level log lines: ${errors.join('\n').slice(0, 1000)}`)

  const mutating = req.method === 'POST' || req.method === 'DELETE'
  if (res.status >= 400 || !mutating) {
    const after = await snapshot(server)
    if (after !== before) fail(`stored state changed on a ${res.status} answer`)
    return
  }
  if (req.method === 'POST' && res.status === 201 && req.target.split('?')[0] === '/_emulator/transactions') await checkStored(server, req, fail)
  await fetch(`${server.url}/_emulator/reset`, { method: 'POST', headers: server.admin })
}

/**
 * Every record of an accepted upsert reads back exactly as sent (the last one of a key wins), read
 * in the charset the request declared: the bytes on the wire are the body's UTF-8 encoding.
 */
async function checkStored (server: FuzzServer, req: ControlRequest, fail: (why: string) => never): Promise<void> {
  const charset = /;\s*charset=([^;\s]+)/i.exec(req.contentType ?? '')?.[1] ?? 'utf-8'
  const body = JSON.parse(new TextDecoder(charset).decode(Buffer.from(req.body!, 'utf8'))) as { transactions?: Array<Record<string, string>> } & Record<string, string>
  const records = body.transactions ?? [body]
  const last = new Map(records.map((r) => [`${r.project_id}\u0000${r.transaction_id}`, r]))
  // The AdminClient, because fetch() cannot ask for an id that is a dot segment (`.`, `..`).
  const client = new AdminClient(server.url, { adminToken: server.admin.authorization?.slice('Bearer '.length) })
  for (const record of last.values()) {
    const stored = await client.getTransaction(record.project_id, record.transaction_id).catch((err: Error) => err.message)
    if (!isDeepStrictEqual(stored, JSON.parse(JSON.stringify(record)))) fail(`stored ${JSON.stringify(stored).slice(0, 300)} ≠ sent ${JSON.stringify(record).slice(0, 300)}`)
  }
}

export const controlProperty = (server: FuzzServer) =>
  fc.asyncProperty(controlRequestArb, (req) => checkControlRequest(server, req))

/**
 * Authorization values close to the right one; only `Bearer <token>` may pass, with the scheme in any
 * case and one or more spaces before the token (RFC 7235 §2.1), surrounding spaces trimmed.
 */
const authorizationArb = (token: string) => fc.oneof(
  fc.constantFrom(`Bearer ${token}`, `bearer ${token}`, `Bearer  ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Bearer ${token.toUpperCase()}`,
    token, `Basic ${Buffer.from(`admin:${token}`).toString('base64')}`, 'Bearer', 'Bearer ', '', `Bearer ${token}\u0000`, `Bearer ${token}, Bearer ${token}`),
  anyText().map((text) => `Bearer ${text}`),
  anyText()
)

export const adminTokenProperty = (server: FuzzServer, token: string) =>
  fc.asyncProperty(controlRequestArb, authorizationArb(token), async (req, authorization) => {
    const trimmed = authorization.replace(/^[ \t]+|[ \t]+$/g, '')
    const exact = trimmed.slice(0, 7).toLowerCase() === 'bearer ' && trimmed.slice(7).replace(/^ +/, '') === token
    // A value with bytes no header may hold is refused by the HTTP parser: a 400 rather than a 401.
    const parsable = ![...authorization].some((c) => (c < ' ' && c !== '\t') || c === '\u007f') && /^[!-~]*$/.test(req.target)
    // Unknown paths get the root's 404 whoever asks; the token guards the control plane's routes.
    await checkControlRequest(server, { ...req, authorization }, !exact && parsable && routeFor(req.method, req.target) !== undefined)
  })
