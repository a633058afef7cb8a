import t from 'tap'
import { countNow, createMemoryCounters, createSqliteCounters, PRUNE_AT, windowStartOf, type CounterStore } from '../../src/api/throttle/counter.js'
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

t.test('in memory, more live callers than PRUNE_AT: calls do not each scan them all, and counts stay exact', async (t) => {
  const counters = createMemoryCounters()
  const user = (i: number) => [{ key: `*|user|AK${i}`, windowMs: 60_000 }]
  for (let i = 0; i <= PRUNE_AT; i++) counters.charge(user(i), T0)
  // Count the walks over a map that holds every caller (only a prune walks it): a count, not a timing.
  const iterate = Map.prototype[Symbol.iterator]
  const restore = (): void => { Map.prototype[Symbol.iterator] = iterate } // eslint-disable-line no-extend-native -- puts the original back
  let scans = 0
  // eslint-disable-next-line no-extend-native -- a spy for the 1000 calls below only, removed right after
  Map.prototype[Symbol.iterator] = function (this: Map<unknown, unknown>) { if (this.size > PRUNE_AT) scans++; return iterate.call(this) }
  t.teardown(restore)
  const counts = Array.from({ length: 1000 }, (_, i) => counters.charge(user(PRUNE_AT + 1 + i), T0 + 1)[0])
  restore()
  t.ok(scans <= 1, `${scans} scans for 1000 calls`)
  t.same(new Set(counts), new Set([1]))
  t.same(counters.charge(user(7), T0 + 2), [2], 'a caller counted before the prune keeps its count')
  t.same(counters.charge(user(7), T0 + 120_000), [1], 'and starts afresh in a later window')
})

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
