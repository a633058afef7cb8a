import fc from 'fast-check'
import { BIZ_TYPES, STAGES } from '../../src/schemas/access-stages.js'
import { FAULT_KINDS } from '../../src/schemas/faults.js'
import { anyText, encoded, hugeText, nasty } from './text-arbitraries.js'

/** A control-plane request: the body is text, so anything (not only JSON) can be sent. */
export interface ControlRequest {
  method: string
  target: string
  contentType?: string
  body?: string
  authorization?: string
}

const PROJECTS = ['fz-0', 'fz-1', 'fz-2']

/** A value of any JSON type, for a field that expects one type in particular. */
const wrongValue = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), anyText(10), fc.constant([]), fc.constant({}), fc.constant(-1), fc.constant(1e308))

/** Objects whose keys try prototype pollution and whose values nest deeply. */
const poisonKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__')

/** Takes a valid-looking object and breaks it, or not: a wrong type, an extra or poison field, a missing field. */
function mutate<T extends Record<string, unknown>> (base: fc.Arbitrary<T>): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(base, fc.nat(9), fc.oneof(poisonKey, anyText(8)), wrongValue).map(([obj, how, key, value]) => {
    const out: Record<string, unknown> = { ...obj }
    const keys = Object.keys(out)
    if (how === 0 && keys.length > 0) out[keys[value === null ? 0 : keys.length - 1]] = value
    else if (how === 1) Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true })
    else if (how === 2 && keys.length > 0) delete out[keys[0]]
    return out
  })
}

const stageArb = fc.record({
  stage: fc.constantFrom(...STAGES),
  duration: fc.integer({ min: 0, max: 2147483647 }),
  is_success: fc.boolean(),
  start_time: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  end_time: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  error_code: fc.string({ maxLength: 64 }),
  error_msg: fc.string({ unit: 'grapheme', maxLength: 60 })
}, { requiredKeys: [] })

export const recordArb = fc.record({
  project_id: fc.constantFrom(...PROJECTS),
  transaction_id: fc.oneof(fc.string({ minLength: 1, maxLength: 128 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })),
  username: fc.string({ unit: 'grapheme', maxLength: 30 }),
  biz_type: fc.constantFrom(...BIZ_TYPES),
  stages: fc.array(mutate(stageArb), { maxLength: 3 })
}, { requiredKeys: ['project_id', 'transaction_id'] })

const faultRuleArb = fc.record({
  id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), anyText(10)),
  match: mutate(fc.record({ project_id: fc.constantFrom(...PROJECTS), transaction_id: fc.string({ minLength: 1, maxLength: 10 }) }, { requiredKeys: [] })),
  action: mutate(fc.record({
    kind: fc.constantFrom(...FAULT_KINDS),
    status: fc.integer({ min: 380, max: 620 }),
    error_code: fc.string({ maxLength: 70 }),
    delay_ms: fc.integer({ min: -1, max: 400_000 }),
    jitter_ms: fc.integer({ min: 0, max: 10 })
  }, { requiredKeys: [] })),
  probability: fc.double({ min: -0.5, max: 1.5, noNaN: false }),
  after: fc.integer({ min: -1, max: 5 }),
  times: fc.integer({ min: -1, max: 5 })
}, { requiredKeys: ['action'] })

/** A body nested `depth` levels deep, arrays or objects. */
const deepArb = fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean()).map(([depth, arrays]) =>
  arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth))

/** JSON text with a poison key spelled out (JSON.stringify cannot produce an own `__proto__` key from a literal). */
const poisonedArb = fc.tuple(poisonKey, fc.constantFrom('{}', '{"prototype":{"polluted":true}}', '1', '"x"'), fc.constantFrom(PROJECTS[0]))
  .map(([key, value, project]) => `{"project_id":"${project}","transaction_id":"p","${key}":${value}}`)

const bodyArb = fc.oneof(
  { weight: 6, arbitrary: mutate(recordArb).map((r) => JSON.stringify(r)) },
  { weight: 2, arbitrary: fc.array(mutate(recordArb), { maxLength: 4 }).map((transactions) => JSON.stringify({ transactions })) },
  { weight: 5, arbitrary: mutate(faultRuleArb).map((r) => JSON.stringify(r)) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 2, arbitrary: poisonedArb },
  { weight: 1, arbitrary: deepArb },
  { weight: 1, arbitrary: anyText() },
  { weight: 1, arbitrary: hugeText.map((h) => JSON.stringify({ project_id: 'fz-0', transaction_id: 'h', username: h })) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '{"transactions":[]}', '{"transactions":null}', '"str"', '1e999', '{"a":1,"a":2}') }
)

const controlPath = fc.oneof(
  fc.constantFrom('/_emulator/transactions', '/_emulator/faults', '/_emulator/requests', '/_emulator/requests/count', '/_emulator/reset', '/_emulator/health', '/_emulator/metrics'),
  fc.tuple(fc.oneof(fc.constantFrom(...PROJECTS), anyText(10), nasty), fc.oneof(fc.string({ maxLength: 20 }), anyText(10)))
    .chain(([p, t]) => fc.tuple(encoded(p), encoded(t))).map(([p, t]) => `/_emulator/transactions/${p}/${t}`),
  fc.oneof(fc.string({ maxLength: 20 }), anyText(10), fc.constant('x'.repeat(100))).chain((id) => encoded(id)).map((id) => `/_emulator/faults/${id}`),
  anyText(12).chain((s) => encoded(s)).map((s) => `/_emulator/${s}`)
)

const controlQuery = fc.array(
  fc.tuple(fc.constantFrom('project_id', 'transaction_id', 'limit', 'offset', 'status', 'x', '__proto__'), fc.oneof(fc.constantFrom(...PROJECTS), fc.constantFrom('0', '1', '-1', '1000', '1001', '1e3', 'NaN', ''), anyText(10)))
    .chain(([k, v]) => encoded(v).map((ev) => `${k}=${ev}`)),
  { maxLength: 3 }
).map((pairs) => pairs.length ? `?${pairs.join('&')}` : '')

const contentTypeArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'APPLICATION/JSON', 'application/json; charset=latin1', '') }
)

/** Requests aimed at each route with its kind of body or query, so most get past framing to validation and storage. */
const aimedArb: fc.Arbitrary<ControlRequest> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(contentTypeArb, fc.oneof(mutate(recordArb).map((r) => JSON.stringify(r)), fc.array(mutate(recordArb), { minLength: 1, maxLength: 4 }).map((transactions) => JSON.stringify({ transactions })), recordArb.map((r) => JSON.stringify(r)))).map(([contentType, body]) => ({ method: 'POST', target: '/_emulator/transactions', contentType, body })) },
  { weight: 3, arbitrary: fc.tuple(contentTypeArb, mutate(faultRuleArb)).map(([contentType, rule]) => ({ method: 'POST', target: '/_emulator/faults', contentType, body: JSON.stringify(rule) })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('POST /_emulator/transactions', 'POST /_emulator/faults'), contentTypeArb, bodyArb).map(([route, contentType, body]) => ({ method: route.split(' ')[0], target: route.split(' ')[1], contentType, body })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('GET /_emulator/transactions', 'DELETE /_emulator/transactions', 'GET /_emulator/requests', 'GET /_emulator/requests/count', 'DELETE /_emulator/requests', 'POST /_emulator/reset'), controlQuery).map(([route, query]) => ({ method: route.split(' ')[0], target: route.split(' ')[1] + query })) }
)

const anyControlArb: fc.Arbitrary<ControlRequest> = fc.record({
  method: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('POST', 'GET', 'DELETE') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'HEAD', 'OPTIONS') }),
  path: controlPath,
  query: controlQuery,
  contentType: fc.option(contentTypeArb, { freq: 6 }),
  body: fc.option(bodyArb, { freq: 3 })
}).map(({ method, path, query, contentType, body }) => ({
  method,
  target: path + query,
  contentType: contentType ?? (body === null ? undefined : 'application/json'),
  body: body ?? undefined
}))

export const controlRequestArb: fc.Arbitrary<ControlRequest> = fc.oneof({ weight: 3, arbitrary: aimedArb }, { weight: 1, arbitrary: anyControlArb })

/** A 10 MB string field: past the 8 MiB body limit. */
export const TEN_MB_BODY = JSON.stringify({ project_id: 'fz-0', transaction_id: 'big', username: 'x'.repeat(10 * 1024 * 1024) })
