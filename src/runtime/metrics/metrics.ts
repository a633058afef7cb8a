import type { Registry } from 'prom-client'
import { AUTH_FAILURE_REASONS, type AuthFailureReason } from '../../errors.js'
import { FAULT_KINDS, type FaultKind } from '../../schemas/faults.js'
import { POLICY_NAMES, type PolicyName } from '../../schemas/rate-limits.js'
import { UPSTREAM_RESULTS } from '../../schemas/upstream.js'
import { NamedCounts, RouteStats, type MetricsSources } from './request-stats.js'

/** Requests no route matched (404s, unparseable URLs) share one series per method. */
export const UNMATCHED = 'unmatched'

export type Metrics = ReturnType<typeof createMetrics>

/**
 * Prometheus metrics of one app, in a registry of its own (several apps may share a process).
 * Every request is counted under its route by the one accounting (runtime/accounting.ts), the
 * emulated API's through its pipeline's record(); refused authentications by their reason code.
 * Values become Prometheus series when scraped.
 */
export function createMetrics (sources: MetricsSources) {
  const routes = new Map<string, RouteStats>()
  const faults = new NamedCounts(FAULT_KINDS)
  const authFailures = new NamedCounts(AUTH_FAILURE_REASONS)
  const throttled = new NamedCounts(POLICY_NAMES)
  const upstream = new NamedCounts(UPSTREAM_RESULTS)
  const statsFor = (method: string, route: string): RouteStats => {
    const key = `${method} ${route}`
    let stats = routes.get(key)
    if (!stats) { stats = new RouteStats(method, route); routes.set(key, stats) }
    return stats
  }

  let registry: Promise<Registry> | undefined
  return {
    /** The Prometheus text of the counts so far. */
    async exposition (): Promise<{ contentType: string, text: string }> {
      registry ??= import('./prometheus.js').then(({ createRegistry }) =>
        createRegistry({ routes: () => routes.values(), faults, authFailures, throttled, upstream, sources }))
      const r = await registry
      return { contentType: r.contentType, text: await r.metrics() }
    },
    /** Counts a call forwarded to the upstream by what became of it. */
    upstreamResult: (result: typeof UPSTREAM_RESULTS[number]): void => upstream.inc(result),
    /** The counters of one route, for requests counted by the pipeline. */
    routeStats: statsFor,
    /** A fault applied to an emulated-API request. */
    countFault (kind: FaultKind): void {
      faults.inc(kind)
    },
    /** A call refused by a throttling policy (429 APIGW.0308). */
    countThrottled (policy: PolicyName): void {
      throttled.inc(policy)
    },
    /** An emulated-API request refused by authentication. */
    countAuthFailure (reason: AuthFailureReason): void {
      authFailures.inc(reason)
    }
  }
}
