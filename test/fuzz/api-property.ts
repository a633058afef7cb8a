import fc from 'fast-check'
import { comparableResponse, rawExchange, requestBytes, type RawResponse } from '../net/raw-http.js'
import { apiRequestArb, type FuzzRequest, type KnownKeys } from './api-arbitraries.js'
import { countOutcome, errorLines, faultFired, type FuzzServer } from './harness.js'
import { judge } from './oracle.js'

export class InvariantError extends Error {}

function declaresMoreThanSent (req: FuzzRequest): boolean {
  const sent = req.body === undefined ? 0 : Buffer.byteLength(req.body)
  return req.headers.some(([name, value]) => (/^transfer-encoding$/i.test(name) && /chunked/i.test(value)) ||
    (/^content-length$/i.test(name) && /^\d+$/.test(value.trim()) && Number(value) > sent))
}

/** `200`, or `400 WKS.0001` for an error body. */
export function outcomeOf (res: RawResponse): string {
  if (res.status < 300) return String(res.status)
  try { return `${res.status} ${(JSON.parse(res.body.toString('utf8')) as { error_code?: string }).error_code}` } catch { return `${res.status} (not JSON)` }
}

const show = (req: FuzzRequest): string => JSON.stringify({ ...req, body: req.body?.slice(0, 200) }).slice(0, 2000)

/**
 * Sends one fuzzed request and checks every invariant on what came back; throws naming the first
 * broken one. With a `twin` (the same emulator without the fast path), sends it there too and
 * requires the same answers.
 */
export async function checkApiRequest (server: FuzzServer, req: FuzzRequest, twin?: FuzzServer): Promise<void> {
  const logFrom = server.logLines.length
  // A request that declares more body than it sends would be waited for until the request timeout;
  // the client ends its side instead, after which closing without an answer is fair.
  const incomplete = declaresMoreThanSent(req)
  const bytes = requestBytes(req.method, req.target, req.headers, req.body)
  const exchange = await rawExchange(server.port, bytes, { methods: [req.method], end: incomplete })
  const fail = (why: string): never => { throw new InvariantError(`${why}\n  request: ${show(req)}`) }
  if (exchange.timedOut) fail('no answer within 5 s')
  if (twin !== undefined) {
    const other = await rawExchange(twin.port, bytes, { methods: [req.method], end: incomplete })
    countOutcome(twin, other.responses[0] ? outcomeOf(other.responses[0]) : 'closed')
    const [mine, theirs] = [exchange, other].map((e) => JSON.stringify(e.responses.map(comparableResponse)))
    if (mine !== theirs) fail(`with and without the fast path, different answers:\n  ${mine.slice(0, 600)}\n  ${theirs.slice(0, 600)}`)
  }
  const [first, ...others] = exchange.responses
  countOutcome(server, first ? outcomeOf(first) : 'closed')
  if (!first) {
    // Only a reset fault may close a connection without an answer.
    if (req.chaos === 'reset' || incomplete) return
    fail(`connection closed without a response (${exchange.error ?? 'clean close'}; ${exchange.rest.length} stray bytes)`)
  }
  await checkOne(server, req, req.method, req.target, first, fail)
  // Bytes past the declared body are read as another request; whatever they are, the answer is a catalogue one.
  for (const res of others) await checkOne(server, req, 'GARBAGE', '', res, fail)
  const errors = errorLines(server, logFrom)
  if (errors.length > 0) fail(`error-level log lines: ${errors.join('\n').slice(0, 1000)}`)
}

async function checkOne (server: FuzzServer, req: FuzzRequest, method: string, target: string, res: RawResponse, fail: (why: string) => never): Promise<void> {
  const verdict = judge(method, target, res)
  if (req.chaos === 'malformed' && res.status === 200 && verdict.problems.length > 0) {
    // A cut-short 200 is the fault doing its job, as long as the journal says it fired.
    if (!await faultFired(server, res.headers['x-request-id'], 200)) fail(`a 200 that is not valid, without a malformed fault: ${verdict.problems.join('; ')}`)
    return
  }
  if (verdict.problems.length > 0) fail(`${res.status}: ${verdict.problems.join('; ')}\n  body: ${res.body.toString('utf8').slice(0, 300)}`)
  if (verdict.needsFault !== undefined && !await faultFired(server, verdict.needsFault, res.status)) {
    fail(`${res.status} ${res.body.toString('utf8').slice(0, 200)} is not a documented answer and no fault fired`)
  }
}

export const apiProperty = (server: FuzzServer, known: KnownKeys, twin?: FuzzServer) =>
  fc.asyncProperty(apiRequestArb(known), (req) => checkApiRequest(server, req, twin))
