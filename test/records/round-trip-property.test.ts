import t from 'tap'
import fc from 'fast-check'
import { BIZ_TYPES, STAGES, type TransactionRecord } from '../../src/schemas/access-stages.js'
import { build } from '../helper.js'

// Issue 21, item 4: whatever the control plane accepts reads back identical, strings and numbers
// alike, through upsert → read → export → PUT → read. Strings are drawn from every code point,
// lone surrogates included: those must be refused (400), never stored changed.

const SEED = 2112
const RUNS = 100
const PROJECT = 'prop-project'

const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c))
// Graphemes of every plane (astral ones as surrogate pairs, with combining marks), raw code units
// (which may be lone halves), and now and then a lone half for sure.
const text = (min: number, max: number): fc.Arbitrary<string> => fc.oneof(
  { weight: 20, arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 40) }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: Math.min(max, 40) }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: 'binary', maxLength: 5 }), lone, fc.string({ unit: 'binary', maxLength: 5 })).map((parts) => parts.join('')) }
)
const stageArb = fc.record({
  stage: fc.constantFrom(...STAGES),
  duration: fc.oneof(fc.constantFrom(0, 2147483647), fc.integer({ min: 0, max: 2147483647 })),
  is_success: fc.boolean(),
  start_time: fc.oneof(fc.constantFrom(0, Number.MAX_SAFE_INTEGER), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
  end_time: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  error_code: text(0, 64),
  error_msg: text(0, 200)
}, { requiredKeys: [] })
const recordArb = fc.record({
  project_id: fc.constant(PROJECT),
  transaction_id: text(1, 128),
  username: text(0, 256),
  biz_type: fc.constantFrom(...BIZ_TYPES),
  stages: fc.array(stageArb, { maxLength: 4 })
}, { requiredKeys: ['project_id', 'transaction_id'] })
const batchArb = fc.uniqueArray(recordArb, { minLength: 1, maxLength: 8, selector: (r) => r.transaction_id })

const wellFormed = (value: unknown): boolean => !/\p{Cs}/u.test(JSON.stringify(value).replace(/\\u[0-9a-f]{4}/g, (e) => String.fromCharCode(parseInt(e.slice(2), 16))))
// Code points, as the schemas count lengths: a batch over a limit is refused for that, not tested here.
const withinLengths = (records: readonly TransactionRecord[]): boolean => records.every((r) => [...r.transaction_id].length <= 128 && [...(r.username ?? '')].length <= 256 &&
  (r.stages ?? []).every((s) => [...(s.error_code ?? '')].length <= 64 && [...(s.error_msg ?? '')].length <= 1024))

t.test('accepted records round-trip upsert → read → export → PUT → read unchanged; a lone surrogate is a 400', async (t) => {
  const app = await build(t, { fixtures: false })
  const byKey = (id: string): string => `/_emulator/transactions/${PROJECT}/${encodeURIComponent(id)}`
  const readAll = async (records: readonly TransactionRecord[]): Promise<unknown[]> =>
    Promise.all(records.map(async (r) => (await app.inject({ url: byKey(r.transaction_id) })).json()))
  let accepted = 0
  let refused = 0
  await fc.assert(fc.asyncProperty(batchArb, async (records) => {
    await app.inject({ method: 'POST', url: '/_emulator/reset' })
    fc.pre(withinLengths(records))
    const res = await app.inject({ method: 'POST', url: '/_emulator/transactions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ transactions: records }) })
    if (!wellFormed(records)) {
      refused++
      return res.statusCode === 400 && res.json().error_msg.includes('must be well-formed Unicode') &&
        (await app.inject({ url: '/_emulator/transactions' })).json().total === 0
    }
    accepted++
    if (res.statusCode !== 201) throw new Error(`refused: ${res.body}`)
    t.same(await readAll(records), records, 'read back as sent')
    const exported = (await app.inject({ url: `/_emulator/state?project_id=${PROJECT}` })).body
    const doc = JSON.parse(exported) as { transactions: TransactionRecord[] }
    // In key order as SQLite compares text: by UTF-8 bytes, which is code point order.
    const inKeyOrder = (JSON.parse(JSON.stringify(records)) as TransactionRecord[]).sort((a, b) => Buffer.compare(Buffer.from(a.transaction_id), Buffer.from(b.transaction_id)))
    t.same(doc.transactions, inKeyOrder, 'exported as stored')
    await app.inject({ method: 'POST', url: '/_emulator/reset' })
    const put = await app.inject({ method: 'PUT', url: `/_emulator/state?project_id=${PROJECT}`, headers: { 'content-type': 'application/json' }, payload: exported })
    if (put.statusCode !== 200) throw new Error(`own export refused: ${put.body}`)
    t.same(await readAll(records), records, 'read back after PUT')
    return (await app.inject({ url: `/_emulator/state?project_id=${PROJECT}` })).body === exported
  }), { seed: SEED, numRuns: RUNS })
  t.ok(accepted > 10 && refused > 3, `both kinds drawn (accepted ${accepted}, refused ${refused})`)
})
