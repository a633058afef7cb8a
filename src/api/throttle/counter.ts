import type { Db } from '../../store/db.js'

/**
 * Fixed-window counting, the gateway's way ("limit:10,time:1 second"): each window starts at a
 * multiple of its length since the epoch, and a caller's count starts from zero in each. Chosen
 * over a sliding log or a token bucket because it is what the gateway's own headers describe, and
 * because a test can then say exactly what happens: N+k calls inside one window give N successes
 * and k refusals, and the next window, which the movable clock reaches without sleeping, serves again.
 */
export interface WindowCount {
  /** Epoch ms (emulator's clock) at which the counted window began. */
  windowStart: number
  count: number
}

export const windowStartOf = (now: number, windowMs: number): number => now - (((now % windowMs) + windowMs) % windowMs)

/** The calls counted so far in the window holding `now` (0 when the count is of an earlier window). */
export const countNow = (stored: WindowCount | undefined, windowMs: number, now: number): number =>
  stored?.windowStart === windowStartOf(now, windowMs) ? stored.count : 0

export interface CounterKey { key: string, windowMs: number }
export interface PeekQuery { prefix: string, windowMs: number, shown: number }
export interface PeekAnswer { counted: Array<{ key: string, count: number }>, total: number }

/** Where counts live: in memory for one process, in SQLite for the workers sharing one file. */
export interface CounterStore {
  /** Counts one call against every key at once and returns the counts after it, in order. */
  charge: (keys: readonly CounterKey[], now: number) => number[]
  /** The keys starting with `prefix` counted in the window holding `now`, with their counts. */
  peek: (prefix: string, windowMs: number, now: number) => Array<{ key: string, count: number }>
  /**
   * For each prefix, how many keys it has in the window holding `now` and the first `shown` of
   * them (in key order where the store keeps one): what a view shows, read in one pass whatever
   * the number of prefixes, so a read of many scopes does not walk every key once per scope.
   */
  peekMany: (queries: readonly PeekQuery[], now: number) => PeekAnswer[]
  /** Forgets the counts of keys starting with `prefix` (all when absent). */
  clear: (prefix?: string) => void
}

/** Counts kept past this many keys are pruned of those whose window has ended. */
export const PRUNE_AT = 50_000
const LONGEST_WINDOW_MS = 60_000

/**
 * A key's count is kept for the latest window it was charged in; a window before that (the clock
 * was moved back) is counted apart, under the key and its start, so moving the clock back and on
 * again finds the later window's count as it was: counts belong to their window, whatever the
 * clock did meanwhile. Those earlier counts exist only after a move back and are pruned alike.
 */
const earlierKey = (key: string, windowStart: number): string => `${key}\u0000${windowStart}`

export function createMemoryCounters (): CounterStore {
  const counts = new Map<string, WindowCount>()
  const earlier = new Map<string, WindowCount>()
  // The next size that triggers a prune: twice what a prune left, so that while more callers than
  // PRUNE_AT are all inside their window a call does not pay for a scan of every one of them.
  let pruneAt = PRUNE_AT
  const countIn = (map: Map<string, WindowCount>, key: string, windowStart: number): number => {
    const stored = map.get(key)
    // Counted in place within a window: no new object per call.
    if (stored?.windowStart === windowStart) return ++stored.count
    map.set(key, { windowStart, count: 1 })
    return 1
  }
  const countAt = (key: string, windowStart: number): number => {
    const latest = counts.get(key)
    if (latest === undefined || latest.windowStart === windowStart) return latest?.count ?? 0
    return latest.windowStart > windowStart ? earlier.get(earlierKey(key, windowStart))?.count ?? 0 : 0
  }
  return {
    charge (keys, now) {
      if (counts.size + earlier.size > pruneAt) {
        for (const map of [counts, earlier]) for (const [key, c] of map) if (c.windowStart < now - LONGEST_WINDOW_MS) map.delete(key)
        pruneAt = Math.max(PRUNE_AT, 2 * (counts.size + earlier.size))
      }
      return keys.map(({ key, windowMs }) => {
        const windowStart = windowStartOf(now, windowMs)
        const latest = counts.get(key)
        return latest !== undefined && latest.windowStart > windowStart
          ? countIn(earlier, earlierKey(key, windowStart), windowStart)
          : countIn(counts, key, windowStart)
      })
    },
    peek (prefix, windowMs, now) {
      const out: Array<{ key: string, count: number }> = []
      const windowStart = windowStartOf(now, windowMs)
      for (const key of counts.keys()) {
        const count = key.startsWith(prefix) ? countAt(key, windowStart) : 0
        if (count > 0) out.push({ key, count })
      }
      return out
    },
    peekMany (queries, now) {
      const answers: PeekAnswer[] = queries.map(() => ({ counted: [], total: 0 }))
      const byPrefix = new Map(queries.map((q, i) => [q.prefix, i]))
      // One walk, each key matched to its scope|policy| prefix (neither a project id nor a policy
      // has a `|`), instead of one walk of every key for each scope.
      const few = queries.length <= 3
      for (const key of counts.keys()) {
        let i: number | undefined
        if (few) {
          i = queries.findIndex((q) => key.startsWith(q.prefix))
          if (i === -1) continue
        } else {
          i = byPrefix.get(key.slice(0, key.indexOf('|', key.indexOf('|') + 1) + 1))
          if (i === undefined) continue
        }
        const count = countAt(key, windowStartOf(now, queries[i].windowMs))
        if (count === 0) continue
        const answer = answers[i]
        if (answer.counted.length < queries[i].shown) answer.counted.push({ key, count })
        answer.total++
      }
      return answers
    },
    clear (prefix) {
      if (prefix === undefined) { counts.clear(); earlier.clear(); return }
      for (const map of [counts, earlier]) for (const key of map.keys()) if (key.startsWith(prefix)) map.delete(key)
    }
  }
}

/**
 * Counts in the database the workers of `--workers N` share, so a limit holds for the cluster as a
 * whole and not per worker: the kernel hands each connection to one worker, so a client on one
 * keep-alive connection would otherwise meet a limit that depends on the worker count. Each call
 * is one IMMEDIATE transaction of one upsert per key (the count restarts when the window moved).
 */
export function createSqliteCounters (db: Db): CounterStore {
  // The key's row holds its latest window; a charge in an earlier one (the clock moved back) leaves
  // it as it is and is counted in the row of the key and that window's start, as in memory.
  const upsertLatest = db.prepare<[string, number], { count: number, window_start: number }>(
    'INSERT INTO rate_counters (key, window_start, count) VALUES (?, ?, 1) ON CONFLICT (key) DO UPDATE SET ' +
    'count = CASE WHEN window_start = excluded.window_start THEN count + 1 WHEN window_start < excluded.window_start THEN 1 ELSE count END, ' +
    'window_start = max(window_start, excluded.window_start) RETURNING count, window_start')
  const upsert = db.prepare<[string, number], number>(
    'INSERT INTO rate_counters (key, window_start, count) VALUES (?, ?, 1) ON CONFLICT (key) DO UPDATE SET ' +
    'count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END, window_start = excluded.window_start ' +
    'RETURNING count').pluck()
  const range = db.prepare<[string, string, number], { key: string, count: number }>(
    'SELECT key, count FROM rate_counters WHERE key >= ? AND key < ? AND window_start = ?')
  const rangePage = db.prepare<[string, string, number, number], { key: string, count: number }>(
    'SELECT key, count FROM rate_counters WHERE key >= ? AND key < ? AND window_start = ? ORDER BY key LIMIT ?')
  const rangeCount = db.prepare<[string, string, number], number>(
    'SELECT count(*) FROM rate_counters WHERE key >= ? AND key < ? AND window_start = ?').pluck()
  const removeAll = db.prepare('DELETE FROM rate_counters')
  const removeRange = db.prepare<[string, string]>('DELETE FROM rate_counters WHERE key >= ? AND key < ?')
  const pruneOld = db.prepare<[number]>('DELETE FROM rate_counters WHERE window_start < ?')
  let calls = 0
  const charge = db.transaction((keys: readonly CounterKey[], now: number): number[] => {
    // Now and then, forget callers whose last window ended long ago, so the table stays small.
    if (++calls % 10_000 === 0) pruneOld.run(now - LONGEST_WINDOW_MS)
    return keys.map(({ key, windowMs }) => {
      const windowStart = windowStartOf(now, windowMs)
      const latest = upsertLatest.get(key, windowStart)!
      return latest.window_start === windowStart ? latest.count : upsert.get(earlierKey(key, windowStart), windowStart)!
    })
  })
  // Keys are `scope|policy|caller`; every character a key's prefix may be followed by sorts below `\u{10FFFF}`.
  const end = (prefix: string): string => prefix + '\u{10FFFF}'
  const shownRow = ({ key, count }: { key: string, count: number }): { key: string, count: number } => ({ key: key.split('\u0000')[0], count })
  return {
    charge: (keys, now) => charge.immediate(keys, now),
    // An earlier window's row is shown under its key without the window's start.
    peek: (prefix, windowMs, now) => range.all(prefix, end(prefix), windowStartOf(now, windowMs)).map(shownRow),
    peekMany: (queries, now) => queries.map(({ prefix, windowMs, shown }) => {
      const start = windowStartOf(now, windowMs)
      return { counted: rangePage.all(prefix, end(prefix), start, shown).map(shownRow), total: rangeCount.get(prefix, end(prefix), start)! }
    }),
    clear (prefix) {
      if (prefix === undefined) removeAll.run()
      else removeRange.run(prefix, end(prefix))
    }
  }
}
