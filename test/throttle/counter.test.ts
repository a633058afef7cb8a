import t from 'tap'
import { countNow, createMemoryCounters, createSqliteCounters, windowStartOf, type CounterStore } from '../../src/throttle/counter.js'
import { openDb } from '../../src/store/db.js'

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)

t.test('windows are aligned to multiples of their length since the epoch', async (t) => {
  t.equal(windowStartOf(T0 + 999, 1000), T0)
  t.equal(windowStartOf(T0 + 1000, 1000), T0 + 1000)
  t.equal(windowStartOf(T0 + 59_999, 60_000), T0)
  t.equal(windowStartOf(-1, 1000), -1000, 'before the epoch too (a clock offset can go far back)')
})

t.test('a stored count is of its own window only', async (t) => {
  const c = { windowStart: T0, count: 2 }
  t.equal(countNow(c, 1000, T0 + 500), 2)
  t.equal(countNow(c, 1000, T0 + 1000), 0, 'nothing counted yet in the next window')
  t.equal(countNow(undefined, 1000, T0), 0)
})

function behaves (t: Tap.Test, counters: CounterStore): void {
  const keys = [{ key: '*|api|api', windowMs: 1000 }, { key: '*|user|AK1', windowMs: 60_000 }]
  t.same(counters.charge(keys, T0), [1, 1])
  t.same(counters.charge(keys, T0 + 10), [2, 2])
  t.same(counters.charge([{ key: '*|user|AK2', windowMs: 60_000 }], T0 + 20), [1], 'another caller has a count of its own')
  t.same(counters.charge(keys, T0 + 1000), [1, 3], 'the 1-second window moved on, the minute did not')
  t.same(counters.peek('*|user|', 60_000, T0 + 1000), [{ key: '*|user|AK1', count: 3 }, { key: '*|user|AK2', count: 1 }])
  t.same(counters.peek('*|user|', 60_000, T0 + 60_000), [], 'a new minute shows no counts')
  counters.clear('*|user|')
  t.same(counters.peek('*|user|', 60_000, T0 + 1000), [])
  t.same(counters.peek('*|api|', 1000, T0 + 1000), [{ key: '*|api|api', count: 1 }], 'clearing one prefix leaves the others')
  counters.clear()
  t.same(counters.peek('*|api|', 1000, T0 + 1000), [])
}

t.test('in memory', async (t) => behaves(t, createMemoryCounters()))

t.test('in SQLite, shared by the processes of one file', async (t) => {
  const file = t.testdir({}) + '/counters.sqlite'
  const a = openDb(file, { shared: true })
  const b = openDb(file, { shared: true })
  t.teardown(() => { a.close(); b.close() })
  behaves(t, createSqliteCounters(a))
  const ca = createSqliteCounters(a)
  const cb = createSqliteCounters(b)
  const key = [{ key: 'p1|ip|127.0.0.1', windowMs: 1000 }]
  t.same([ca.charge(key, T0), cb.charge(key, T0), ca.charge(key, T0)], [[1], [2], [3]], 'two connections count one total')
})

declare namespace Tap { type Test = import('tap').Test }
