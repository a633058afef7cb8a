import fc from 'fast-check'
import { rawExchange, requestBytes, type RawResponse } from '../net/raw-http.js'
import { apiRequestArb, type KnownKeys } from './api-arbitraries.js'
import { InvariantError, outcomeOf } from './api-property.js'
import { countOutcome, errorLines, type FuzzServer } from './harness.js'
import { judge } from './oracle.js'

const INSERTS = [0x00, 0x0a, 0x0d, 0x20, 0x09, 0x3a, 0x7f, 0x80, 0xff, 0x25]

/** A well-formed request, then bytes flipped, inserted or cut, sometimes followed by another request on the same connection. */
const mangledArb = (known: KnownKeys) => fc.tuple(
  apiRequestArb(known),
  fc.array(fc.tuple(fc.nat(), fc.constantFrom(...INSERTS), fc.constantFrom('flip', 'insert', 'delete')), { maxLength: 4 }),
  fc.option(fc.nat(), { freq: 4 }),
  fc.boolean()
).map(([req, edits, cutAt, pipelined]) => {
  const bytes = [...requestBytes(req.method, req.target, req.headers.filter(([n]) => n !== 'Connection'), req.body)]
  for (const [at, byte, how] of edits) {
    const i = at % (bytes.length + 1)
    if (how === 'flip') bytes[i] = byte
    else if (how === 'insert') bytes.splice(i, 0, byte)
    else bytes.splice(i, 1)
  }
  const first = Buffer.from(cutAt === null ? bytes : bytes.slice(0, cutAt % (bytes.length + 1)))
  const second = pipelined ? requestBytes('GET', '/_emulator/health', [['Host', 'x']]) : Buffer.alloc(0)
  return Buffer.concat([first, second])
})

const garbageArb = (known: KnownKeys) => fc.oneof(
  { weight: 4, arbitrary: mangledArb(known) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.constantFrom('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'GET / HTTP/0.9\r\n\r\n', 'GET /\r\n\r\n', '\r\n\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\n folded: value\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n').map((s) => Buffer.from(s)) }
)

/** Any documented answer: a catalogue error, or a 2xx whose body is valid for some route. */
function checkAny (res: RawResponse, method: string, faultsAskedFor: boolean): string[] {
  if (res.status >= 200 && res.status < 300) {
    if (!/^[0-9a-f]{32}$/.test(res.headers['x-request-id'] ?? '')) return ['2xx without an X-Request-Id']
    return []
  }
  const verdict = judge(method === 'HEAD' ? 'HEAD' : 'GARBAGE', '', res)
  // Faults are asked for by header; without one, a 5xx is the server failing.
  if (verdict.needsFault !== undefined && res.status >= 500 && !faultsAskedFor) return [`${res.status} from garbage`]
  return verdict.problems
}

/**
 * Raw bytes: mangled or cut requests, pipelined pairs, random bytes. The server may answer each
 * request or close the connection, but every answer it gives is a catalogue one, it answers or
 * closes promptly once the client is done, and it stays up.
 */
export const garbageProperty = (server: FuzzServer, known: KnownKeys) =>
  fc.asyncProperty(garbageArb(known), async (bytes) => {
    const fail = (why: string): never => { throw new InvariantError(`${why}\n  bytes: ${JSON.stringify(bytes.toString('latin1').slice(0, 1500))}`) }
    const logFrom = server.logLines.length
    // The parser needs to know a HEAD answer has no body; the pipelined second request is a GET.
    const methods = [bytes.subarray(0, 5).toString('latin1') === 'HEAD ' ? 'HEAD' : 'GET', 'GET']
    const exchange = await rawExchange(server.port, bytes, { end: true, methods })
    if (exchange.timedOut) fail('neither answered nor closed within 5 s of the client finishing')
    countOutcome(server, exchange.responses[0] ? outcomeOf(exchange.responses[0]) : 'closed')
    for (const [i, res] of exchange.responses.entries()) {
      // A cut-short 200 is only the malformed fault, which garbage can also trigger.
      if (res.status === 200 && bytes.includes('malformed')) continue
      const problems = checkAny(res, methods[i] ?? 'GET', /x-fuzz-chaos|prefer/i.test(bytes.toString('latin1')))
      if (problems.length > 0) fail(`${res.status}: ${problems.join('; ')}\n  body: ${res.body.toString('utf8').slice(0, 300)}`)
    }
    const errors = errorLines(server, logFrom)
    if (errors.length > 0) fail(`error-level log lines: ${errors.join('\n').slice(0, 1000)}`)
  })
