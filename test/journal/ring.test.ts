import t from 'tap'
import { createRingJournal } from '../../src/store/journal/ring.js'
import { record } from './records.js'

// What every journal promises (ring and SQLite alike) is in contract.test.ts; these are the ring's own.

t.test('text beyond the arena evicts the oldest entries, never a newer one', async (t) => {
  const journal = createRingJournal(10_000)
  const long = '/v2/' + 'x'.repeat(15_000) + '/statistics/metrics/access-stages'
  // 1,000 entries of 15 KB are more than the arena (512 bytes per entry of capacity) holds.
  for (let n = 1; n <= 1000; n++) journal.append(record(n, { path: long }))
  const seqs = journal.list().map((e) => e.seq)
  t.ok(seqs.length < 1000 && seqs.length > 200, `${seqs.length} of 1000 very long entries kept`)
  t.same(seqs, Array.from({ length: seqs.length }, (_, i) => 1001 - seqs.length + i), 'the newest, contiguous')
  t.ok(journal.list().every((e) => e.path === long), 'kept entries are intact')
  for (let n = 1001; n <= 20_000; n++) journal.append(record(n))
  t.equal(journal.count(), 10_000, 'ordinary entries fill the capacity')
  t.same(journal.list({ limit: 1 })[0].transaction_id, 't-20000')
})

t.test('capacity 0 keeps nothing', async (t) => {
  const journal = createRingJournal(0)
  journal.append(record(1))
  t.same(journal.list(), [])
  t.equal(journal.count(), 0)
})

t.test('a cleared project gives its share of the capacity back to the others', async (t) => {
  const journal = createRingJournal(4)
  journal.append(record(1, { project_id: 'B' }))
  for (let n = 2; n <= 4; n++) journal.append(record(n, { project_id: 'A' }))
  t.equal(journal.clear('A'), 3)
  journal.append(record(5, { project_id: 'B' }))
  t.same(journal.list().map((e) => e.seq), [1, 5], 'B keeps its older entry')
  t.equal(journal.count(), 2)
})

t.test('clearing a project after the ring has wrapped keeps order and text', async (t) => {
  const journal = createRingJournal(5)
  for (let n = 1; n <= 13; n++) journal.append(record(n))
  t.same(journal.list().map((e) => e.seq), [9, 10, 11, 12, 13])
  t.equal(journal.clear('p-odd'), 3)
  t.same(journal.list().map((e) => [e.seq, e.transaction_id, e.request_id]), [[10, 't-10', record(10).request_id], [12, 't-12', record(12).request_id]])
  for (let n = 14; n <= 17; n++) journal.append(record(n))
  t.same(journal.list().map((e) => e.seq), [12, 14, 15, 16, 17])
  t.ok(journal.list().every((e) => e.transaction_id === `t-${e.seq}`), 'every entry reads back its own text')
})

t.test('an entry longer than the whole arena is shortened, and evicts only what it overwrites', async (t) => {
  const journal = createRingJournal(10)
  for (let n = 1; n <= 3; n++) journal.append(record(n))
  const huge = 'x'.repeat(200_000)
  journal.append(record(4, { path: huge, transaction_id: huge }))
  const entries = journal.list()
  t.same(entries.map((e) => e.seq).at(-1), 4, 'the long entry is kept')
  t.ok(entries.at(-1)!.path.length < huge.length && huge.startsWith(entries.at(-1)!.path), 'its path shortened')
  journal.append(record(5))
  t.same(journal.list().at(-1)!.transaction_id, 't-5')
})
