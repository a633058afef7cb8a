import { Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricType, type MetricValueWithName } from 'prom-client'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { CloudError } from '../errors.js'
import { FAULT_KINDS } from '../schemas/faults.js'
import { DURATION_BUCKETS, NamedCounts, RouteStats } from './request-stats.js'

export const AUTH_FAILURE_REASONS = ['missing_credentials', 'bad_signature', 'unknown_ak', 'ak_locked', 'unknown_token', 'token_expired', 'admin_token', 'other'] as const
type AuthFailureReason = typeof AUTH_FAILURE_REASONS[number]

/** The reason label of a 401, from the gateway wording the client got (free-text reasons would make unbounded labels). */
export function authFailureReason (message: string): AuthFailureReason {
  if (message.includes('x-auth-token not found')) return 'missing_credentials'
  if (message.includes('verify aksk signature fail')) return 'bad_signature'
  if (message.includes('ak not exist')) return 'unknown_ak'
  if (message.includes('AK access failed to reach the limit')) return 'ak_locked'
  if (message.includes('decrypt token fail')) return 'unknown_token'
  if (message.includes('token expires')) return 'token_expired'
  if (message.includes('emulator admin token')) return 'admin_token'
  return 'other'
}

/** What the gauges read at scrape time. */
export interface MetricsSources {
  journalSize: () => number
  transactions: () => number
  faultRules: () => number
}

/** Requests no route matched (404s, unparseable URLs) share one series per method. */
export const UNMATCHED = 'unmatched'

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

export type Metrics = ReturnType<typeof createMetrics>

/**
 * Prometheus metrics of one app, in a registry of its own (several apps may share a process).
 * A routed request is counted by an onResponse hook added to its route when the route is declared,
 * holding that route's counters, so nothing is looked up or allocated per request; the root's
 * onResponse only reads `is404` unless no route matched. 401s are classified in onError, which runs
 * only on the error path. Values become Prometheus series when scraped.
 */
export function createMetrics (sources: MetricsSources) {
  const registry = new Registry()
  const routes = new Map<string, RouteStats>()
  const faults = new NamedCounts(FAULT_KINDS)
  const authFailures = new NamedCounts(AUTH_FAILURE_REASONS)
  const statsFor = (method: string, route: string): RouteStats => {
    const key = `${method} ${route}`
    let stats = routes.get(key)
    if (!stats) { stats = new RouteStats(method, route); routes.set(key, stats) }
    return stats
  }

  registry.registerMetric(new Counter({
    name: 'wks_emulator_http_requests_total',
    help: 'Responses by method, route pattern and status (0: a fault reset the connection or left it hanging).',
    labelNames: ['method', 'route', 'status'],
    registers: [],
    collect () {
      this.reset()
      for (const stats of routes.values()) {
        for (const [status, count] of stats.byStatus) this.inc({ method: stats.method, route: stats.route, status: String(status) }, count)
      }
    }
  }))
  registry.registerMetric(new RouteDurationHistogram(() => routes.values()))
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
  counted('wks_emulator_auth_failures_total', 'Requests refused with 401, by reason (admin_token: the control plane\'s --admin-token).', 'reason', authFailures)
  const gauge = (name: string, help: string, read: () => number): void => {
    registry.registerMetric(new Gauge({ name, help, registers: [], collect () { this.set(read()) } }))
  }
  gauge('wks_emulator_journal_entries', 'Entries in the request journal.', sources.journalSize)
  gauge('wks_emulator_transactions', 'Stored transaction records.', sources.transactions)
  gauge('wks_emulator_fault_rules', 'Fault rules, spent ones included.', sources.faultRules)
  gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss())

  return {
    registry,
    /** Installs the counting hooks; must run before any route is declared. */
    install (app: FastifyInstance): void {
      app.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method]
        const byMethod = new Map(methods.map((m) => [m, statsFor(m, route.url)]))
        const only = methods.length === 1 ? byMethod.get(methods[0]) : undefined
        const hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
          (only ?? byMethod.get(request.method))?.record(reply.statusCode, reply.elapsedTime)
          const fault = request.fault
          if (fault !== undefined) faults.inc(fault.kind)
          done()
        }
        const existing = route.onResponse
        route.onResponse = existing === undefined ? [hook] : [...(Array.isArray(existing) ? existing : [existing]), hook]
      })
      // Requests that reached no route run only the root's hooks.
      const unmatched = new Map<string, RouteStats>()
      app.addHook('onResponse', (request, reply, done) => {
        if (request.is404) {
          let stats = unmatched.get(request.method)
          if (!stats) { stats = statsFor(request.method, UNMATCHED); unmatched.set(request.method, stats) }
          stats.record(reply.statusCode, reply.elapsedTime)
        }
        done()
      })
      app.addHook('onError', (_request, _reply, error, done) => {
        if (error instanceof CloudError && error.statusCode === 401) authFailures.inc(authFailureReason(error.message))
        done()
      })
    },
    /** A request whose connection a fault took over (reset, hang): no onResponse runs for it. */
    hijacked (request: FastifyRequest, elapsedMs: number): void {
      statsFor(request.method, request.routeOptions.url ?? UNMATCHED).record(0, elapsedMs)
      if (request.fault !== undefined) faults.inc(request.fault.kind)
    }
  }
}
