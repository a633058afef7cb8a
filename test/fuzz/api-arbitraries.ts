import fc from 'fast-check'
import { anyText, encoded, hugeText, nasty } from './text-arbitraries.js'

/** A request as the fuzzer sends it: raw method, raw request target, raw header lines, optional body. */
export interface FuzzRequest {
  method: string
  target: string
  headers: Array<[string, string]>
  body?: string
  /** The fault the harness's chaos rules will apply once auth passes (`x-fuzz-chaos`). */
  chaos?: string
}

/** Keys the harness seeds, so some lookups hit stored records. */
export interface KnownKeys { projects: string[], transactions: string[] }

export const CHAOS_KINDS = ['reset', 'malformed', 'error', 'delay'] as const

export const methodArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant('GET') },
  { weight: 1, arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'SEARCH', 'QUERY', 'M-SEARCH') },
  { weight: 1, arbitrary: fc.constantFrom('get', 'G ET', 'GET\u0000', 'FOO', '', 'GETT', 'ÄGET', 'X'.repeat(100)) }
)

const projectArb = (known: KnownKeys) => fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...known.projects) },
  { weight: 3, arbitrary: fc.stringMatching(/^[0-9A-Za-z_-]{1,64}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9A-Za-z_-]{65,80}$/) },
  { weight: 2, arbitrary: anyText() },
  { weight: 1, arbitrary: fc.constant('') }
)

const transactionArb = (known: KnownKeys) => fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...known.transactions) },
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 128 }) },
  { weight: 2, arbitrary: anyText() },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => 't'.repeat(n)) },
  { weight: 1, arbitrary: fc.constant('') }
)

const queryKey = fc.oneof(
  { weight: 6, arbitrary: fc.constant('transaction_id') },
  { weight: 2, arbitrary: fc.constantFrom('project_id', 'limit', 'offset', 'status', 'transaction_id[]', 'transaction_id[0]', 'Transaction_Id', '__proto__', 'constructor', '') },
  { weight: 1, arbitrary: anyText(10) }
)

/** 0..4 query pairs, repeated keys included, each part encoded one way or another; sometimes a bare `?` or `&&`. */
const queryArb = (known: KnownKeys) => fc.array(
  fc.tuple(queryKey, transactionArb(known), fc.boolean()).chain(([k, v, hasValue]) =>
    fc.tuple(encoded(k), encoded(v)).map(([ek, ev]) => hasValue ? `${ek}=${ev}` : ek)),
  { maxLength: 4 }
).chain((pairs) => fc.constantFrom('&', '&&', ';').map((sep) => pairs.length === 0 ? '' : `?${pairs.join(sep)}`))

const API_TAIL = '/statistics/metrics/access-stages'

/** Mostly the emulated API's path with a fuzzed project id; sometimes near misses or random segments. */
const pathArb = (known: KnownKeys) => fc.oneof(
  { weight: 8, arbitrary: projectArb(known).chain((p) => encoded(p)).map((p) => `/v2/${p}${API_TAIL}`) },
  {
    weight: 2,
    arbitrary: fc.tuple(projectArb(known), fc.constantFrom('/V2/', '/v2//', '/v3/', '//v2/', '/v2/./', '/v2/%2e%2e/', 'http://h/v2/', '/v2/', '*', 'v2/'), fc.constantFrom(API_TAIL, API_TAIL + '/', API_TAIL.toUpperCase(), '/statistics/metrics', '', API_TAIL + '%00'))
      .map(([p, head, tail]) => `${head}${encodeURIComponent(p.replace(/[\uD800-\uDFFF]/g, ''))}${tail}`)
  },
  { weight: 1, arbitrary: fc.array(fc.oneof(nasty, anyText(12)), { maxLength: 6 }).map((segs) => '/' + segs.join('/')) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 20_000 }).map((n) => `/v2/${'p'.repeat(n)}${API_TAIL}`) }
)

const akskArb = fc.oneof(
  fc.constant('SDK-HMAC-SHA256 Access=AKFUZZ, SignedHeaders=host;x-sdk-date, Signature=' + 'ab'.repeat(32)),
  fc.tuple(anyText(20), anyText(20), fc.stringMatching(/^[0-9a-fA-F]{0,80}$/))
    .map(([ak, sh, sig]) => `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${sh}, Signature=${sig}`),
  fc.constantFrom('Bearer x', 'SDK-HMAC-SHA256', 'SDK-HMAC-SHA256 Access=, SignedHeaders=, Signature=', 'Basic Zm9vOmJhcg==', ''),
  anyText()
)

const preferArb = fc.oneof(
  fc.constantFrom('code=500', 'code=503', 'code=429', 'code=404', 'code=200', 'code=999', 'code=5000', 'delay=3', 'code=502, delay=2', 'code=', 'delay=', 'return=minimal'),
  // Random text, minus anything that would ask for a real delay and stall the run.
  anyText().filter((v) => !/delay=\d/.test(v))
)

/** A header with a generated name and value: invalid token characters and obs-text included. */
const randomHeader = fc.tuple(
  fc.oneof({ weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/) }, { weight: 1, arbitrary: anyText(12) }),
  fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 2, arbitrary: anyText() }, { weight: 1, arbitrary: hugeText })
)

const headerArb = fc.oneof(
  { weight: 6, arbitrary: fc.oneof({ weight: 4, arbitrary: fc.constant('tok-fuzz') }, { weight: 2, arbitrary: anyText() }, { weight: 1, arbitrary: hugeText }, { weight: 1, arbitrary: fc.constant('') }).map((v): [string, string] => ['X-Auth-Token', v]) },
  { weight: 4, arbitrary: akskArb.map((v): [string, string] => ['Authorization', v]) },
  { weight: 3, arbitrary: fc.oneof(fc.constant('20260101T000000Z'), anyText()).map((v): [string, string] => ['X-Sdk-Date', v]) },
  { weight: 2, arbitrary: preferArb.map((v): [string, string] => ['Prefer', v]) },
  { weight: 1, arbitrary: fc.oneof(fc.constant('sts'), anyText()).map((v): [string, string] => ['X-Security-Token', v]) },
  { weight: 1, arbitrary: fc.constantFrom('application/json', 'text/plain', '', ';;', 'application/json; charset=utf-16').map((v): [string, string] => ['Content-Type', v]) },
  { weight: 1, arbitrary: fc.constantFrom('close', 'keep-alive', 'upgrade', 'Upgrade, close', '').map((v): [string, string] => ['Connection', v]) },
  { weight: 1, arbitrary: fc.constantFrom('100-continue', 'nothing', '').map((v): [string, string] => ['Expect', v]) },
  { weight: 1, arbitrary: fc.constantFrom('websocket', 'h2c', '').map((v): [string, string] => ['Upgrade', v]) },
  { weight: 1, arbitrary: fc.constantFrom('chunked', 'gzip', 'chunked, chunked', 'identity', '').map((v): [string, string] => ['Transfer-Encoding', v]) },
  { weight: 1, arbitrary: fc.constantFrom('0', '3', '-1', '1e3', 'abc', '99999999999999999999', '').map((v): [string, string] => ['Content-Length', v]) },
  { weight: 1, arbitrary: fc.constantFrom('other', '', 'a b', 'h:99999').map((v): [string, string] => ['Host', v]) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty').chain((n) => anyText().map((v): [string, string] => [n, v])) },
  { weight: 2, arbitrary: randomHeader }
)

/** Full API requests: method, path, query, 0..6 headers (often with valid-looking credentials), rarely a body. */
export const apiRequestArb = (known: KnownKeys): fc.Arbitrary<FuzzRequest> => fc.record({
  method: methodArb,
  path: pathArb(known),
  query: queryArb(known),
  credentials: fc.constantFrom<Array<[string, string]>>(
    [['X-Auth-Token', 'tok-fuzz']],
    [['Authorization', 'SDK-HMAC-SHA256 Access=AKFUZZ, SignedHeaders=host;x-sdk-date, Signature=' + 'cd'.repeat(32)], ['X-Sdk-Date', '20260101T000000Z']],
    []
  ),
  headers: fc.array(headerArb, { maxLength: 4 }),
  host: fc.oneof({ weight: 7, arbitrary: fc.constant<Array<[string, string]>>([['Host', '127.0.0.1']]) }, { weight: 1, arbitrary: fc.constant<Array<[string, string]>>([]) }),
  chaos: fc.option(fc.constantFrom(...CHAOS_KINDS), { freq: 8 }),
  body: fc.option(fc.oneof(anyText(), fc.json()), { freq: 10 })
}).map(({ method, path, query, credentials, headers, host, chaos, body }) => {
  const all: Array<[string, string]> = [...host, ...credentials, ...headers]
  if (chaos !== null) all.push(['X-Fuzz-Chaos', chaos])
  all.push(['Connection', 'close'])
  if (body !== null && !headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) all.push(['Content-Length', String(Buffer.byteLength(body))])
  return { method, target: path + query, headers: all, body: body ?? undefined, chaos: chaos ?? undefined }
})
