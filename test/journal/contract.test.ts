import t, { type Test } from 'tap'
import type { Journal } from '../../src/store/journal/journal.js'
import { createRingJournal } from '../../src/store/journal/ring.js'
import { createSqliteJournal } from '../../src/store/journal/sqlite.js'
import { record } from './records.js'
import { openDb } from '../../src/store/db.js'

// What every journal promises, whichever keeps it: the ring of one process and the SQLite table
// that the workers of --workers share. The ring's own memory management is in ring.test.ts.

type MakeJournal = (capacity: number) => Journal

const KINDS: Array<[string, (t: Test) => MakeJournal]> = [
  ['ring', () => createRingJournal],
  ['SQLite', (t) => (capacity) => {
    const db = openDb(':memory:', { shared: false })
    t.teardown(() => db.close())
    return createSqliteJournal(db, capacity)
  }]
]

for (const [name, maker] of KINDS) {
  t.test(`${name}: entries come back as they went in, with seq and ISO time, oldest first`, async (t) => {
    const make = maker(t)
    const journal = make(10)
    journal.append(record(1))
    journal.append(record(2, { status: 503, fault_id: 'rule-ü', outcome: 'fault:error', auth: { scheme: 'aksk', principal: 'AK✓', ok: false } }))
    journal.append(record(3, { project_id: undefined, transaction_id: undefined, auth: { scheme: 'none', ok: true } }))
    // Compared as JSON, as the control plane sends them: a missing field and an undefined one are alike.
    t.same(JSON.parse(JSON.stringify(journal.list())), [
      { seq: 1, time: '2026-11-28T01:02:03.457Z', request_id: record(1).request_id, method: 'GET', path: record(1).path, project_id: 'p-odd', transaction_id: 't-1', status: 200, duration_ms: 0.001, auth: { scheme: 'token', principal: 'token', ok: true }, outcome: 'ok' },
      { seq: 2, time: '2026-11-28T01:02:03.458Z', request_id: record(2).request_id, method: 'GET', path: record(2).path, project_id: 'p-even', transaction_id: 't-2', status: 503, duration_ms: 0.002, auth: { scheme: 'aksk', principal: 'AK✓', ok: false }, fault_id: 'rule-ü', outcome: 'fault:error' },
      { seq: 3, time: '2026-11-28T01:02:03.459Z', request_id: record(3).request_id, method: 'GET', path: record(3).path, status: 200, duration_ms: 0.003, auth: { scheme: 'none', ok: true }, outcome: 'ok' }
    ])
  })

  t.test(`${name}: past capacity the oldest leave; seq keeps counting`, async (t) => {
    const make = maker(t)
    const journal = make(3)
    for (let n = 1; n <= 7; n++) journal.append(record(n))
    t.same(journal.list().map((e) => e.seq), [5, 6, 7])
    t.equal(journal.count(), 3)
    t.same(journal.list({ limit: 2 }).map((e) => e.seq), [6, 7], 'limit keeps the newest')
    t.same(journal.list({ projectId: 'p-odd' }).map((e) => e.transaction_id), ['t-5', 't-7'])
    t.equal(journal.count({ projectId: 'p-even' }), 1)
    t.equal(journal.count({ status: 404 }), 0)
  })

  t.test(`${name}: clearing one project keeps the others in order, with their seq`, async (t) => {
    const make = maker(t)
    const journal = make(4)
    for (let n = 1; n <= 6; n++) journal.append(record(n))
    t.equal(journal.clear('p-odd'), 2)
    t.same(journal.list().map((e) => [e.seq, e.transaction_id]), [[4, 't-4'], [6, 't-6']])
    journal.append(record(7))
    t.same(journal.list().map((e) => e.seq), [4, 6, 7], 'new entries continue after the highest seq ever given')
    t.equal(journal.clear(), 3)
    // Compared as JSON, as the control plane sends them: a missing field and an undefined one are alike.
    t.same(JSON.parse(JSON.stringify(journal.list())), [])
    journal.append(record(8))
    t.same(journal.list().map((e) => e.seq), [8])
  })
}
