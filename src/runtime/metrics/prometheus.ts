import { Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricType, type MetricValueWithName } from 'prom-client'
import { DURATION_BUCKETS, type MetricsSources, type NamedCounts, type RouteStats } from './request-stats.js'

// The Prometheus side of the metrics, loaded on the first scrape: prom-client is a good part of
// start-up time and memory, and most runs are never scraped.

type RouteLabels = 'method' | 'route'

/**
 * A histogram whose numbers are kept by RouteStats and read only when scraped. prom-client's own
 * observe() hashes labels and allocates on every call; this keeps the per-request cost to a few
 * additions. Only the values are supplied here; the text format is still prom-client's.
 */
const DURATION_NAME = 'wks_emulator_http_request_duration_seconds'
const DURATION_HELP = 'Time from request received to response sent, by route.'

class RouteDurationHistogram extends Histogram<RouteLabels> {
  constructor (private readonly routes: () => Iterable<RouteStats>) {
    super({ name: DURATION_NAME, help: DURATION_HELP, labelNames: ['method', 'route'], buckets: [...DURATION_BUCKETS], registers: [] })
  }

  /** What the registry reads to print the text format (and what get() builds on). */
  async getForPromString (): Promise<MetricObjectWithValues<MetricValueWithName<RouteLabels>>> {
    const values: Array<MetricValueWithName<RouteLabels>> = []
    for (const stats of this.routes()) {
      if (stats.totals[1] === 0) continue
      const labels = { method: stats.method, route: stats.route }
      let cumulative = 0
      DURATION_BUCKETS.forEach((le, i) => {
        cumulative += stats.buckets[i]
        values.push({ metricName: `${DURATION_NAME}_bucket`, labels: { ...labels, le } as MetricValueWithName<RouteLabels>['labels'], value: cumulative })
      })
      values.push({ metricName: `${DURATION_NAME}_bucket`, labels: { ...labels, le: '+Inf' } as MetricValueWithName<RouteLabels>['labels'], value: stats.totals[1] })
      values.push({ metricName: `${DURATION_NAME}_sum`, labels, value: stats.totals[0] })
      values.push({ metricName: `${DURATION_NAME}_count`, labels, value: stats.totals[1] })
    }
    return { name: DURATION_NAME, help: DURATION_HELP, type: 'histogram' as unknown as MetricType, aggregator: 'sum', values, collect: () => undefined }
  }
}

/** What the request path counts, read when scraped. */
export interface Counted {
  routes: () => Iterable<RouteStats>
  faults: NamedCounts<string>
  authFailures: NamedCounts<string>
  throttled: NamedCounts<string>
  upstream: NamedCounts<string>
  sources: MetricsSources
}

/** A registry of the app's own (several apps may share a process), whose series are built from the counts at each scrape. */
export function createRegistry ({ routes, faults, authFailures, throttled, upstream, sources }: Counted): Registry {
  const registry = new Registry()
  registry.registerMetric(new Counter({
    name: 'wks_emulator_http_requests_total',
    help: 'Responses by method, route pattern and status (0: a fault reset the connection or left it hanging).',
    labelNames: ['method', 'route', 'status'],
    registers: [],
    collect () {
      this.reset()
      for (const stats of routes()) {
        for (const [status, count] of stats.byStatus) this.inc({ method: stats.method, route: stats.route, status: String(status) }, count)
      }
    }
  }))
  registry.registerMetric(new RouteDurationHistogram(routes))
  // Counters kept as plain numbers on the request path, turned into series only when scraped.
  const counted = (name: string, help: string, label: string, counts: { entries: () => Iterable<[string, number]> }): void => {
    registry.registerMetric(new Counter({
      name,
      help,
      labelNames: [label],
      registers: [],
      collect () { this.reset(); for (const [value, n] of counts.entries()) this.inc({ [label]: value }, n) }
    }))
  }
  counted('wks_emulator_faults_injected_total', 'Faults applied to emulated-API requests, by kind (rules and Prefer headers).', 'kind', faults)
  counted('wks_emulator_throttled_total', 'Calls refused with 429 APIGW.0308, by the throttling policy that refused them.', 'policy', throttled)
  counted('wks_emulator_auth_failures_total', 'Requests refused with 401, by reason (admin_token: the control plane\'s --admin-token).', 'reason', authFailures)
  if (sources.drift !== undefined) {
    counted('wks_emulator_upstream_requests_total', 'Lookups forwarded to --upstream, by result (proxied, recorded, unreachable, timeout, too_large, bad_answer).', 'result', upstream)
    counted('wks_emulator_upstream_drift_total', 'Departures of upstream bodies from the response schema, by kind.', 'kind', { entries: sources.drift })
  }
  registry.registerMetric(new Counter({
    name: 'wks_emulator_deferred_writes_total',
    help: 'Background writes (the journal of --workers) the database refused, e.g. locked by another process, and retried with back-off.',
    registers: [],
    collect () { this.reset(); this.inc(sources.deferredWrites?.() ?? 0) }
  }))
  const gauge = (name: string, help: string, read: () => number): void => {
    registry.registerMetric(new Gauge({ name, help, registers: [], collect () { this.set(read()) } }))
  }
  gauge('wks_emulator_journal_entries', 'Entries in the request journal.', sources.journalSize)
  gauge('wks_emulator_transactions', 'Stored transaction records.', sources.transactions)
  gauge('wks_emulator_fault_rules', 'Fault rules, spent ones included.', sources.faultRules)
  gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss())

  return registry
}
