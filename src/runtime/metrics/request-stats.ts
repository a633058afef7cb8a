import type { DriftKindName } from '../../schemas/upstream.js'

/** Upper bounds (seconds) of the request duration histogram: sub-millisecond answers up to a 5-minute hang. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] as const

/**
 * Counters of one route (method and URL pattern), kept in plain numbers and typed arrays so that
 * recording a request allocates nothing; they are turned into Prometheus series only when scraped.
 */
export class RouteStats {
  /** Responses by status code. */
  readonly byStatus = new Map<number, number>()
  /** Non-cumulative counts per bucket; the last slot is +Inf. */
  readonly buckets = new Float64Array(DURATION_BUCKETS.length + 1)
  /** [sum of seconds, count]. */
  readonly totals = new Float64Array(2)

  constructor (readonly method: string, readonly route: string) {}

  record (status: number, elapsedMs: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1)
    const seconds = elapsedMs / 1000
    let i = 0
    while (i < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[i]) i++
    this.buckets[i]++
    this.totals[0] += seconds
    this.totals[1]++
  }
}

/** Counts by a small fixed set of names (fault kinds, auth failure reasons). */
export class NamedCounts<K extends string> {
  private readonly counts: Float64Array
  private readonly index: Map<K, number>

  constructor (readonly names: readonly K[]) {
    this.counts = new Float64Array(names.length)
    this.index = new Map(names.map((n, i) => [n, i]))
  }

  inc (name: K): void {
    const i = this.index.get(name)
    if (i !== undefined) this.counts[i]++
  }

  entries (): Array<[K, number]> {
    return this.names.map((n, i) => [n, this.counts[i]])
  }
}

/** What the gauges read at scrape time. */
export interface MetricsSources {
  journalSize: () => number
  transactions: () => number
  faultRules: () => number
  /** Background writes the database refused and that were retried (a shared file's journal). */
  deferredWrites?: () => number
  /** Upstream bodies' departures from the response schema, by kind (`--unknown-transaction proxy`). */
  drift?: () => Iterable<[DriftKindName, number]>
}
