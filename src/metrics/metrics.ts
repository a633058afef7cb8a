import type { Registry } from 'prom-client'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { CloudError } from '../errors.js'
import type { FaultKind } from '../faults/select.js'
import { FAULT_KINDS } from '../schemas/faults.js'
import { NamedCounts, RouteStats, type MetricsSources } from './request-stats.js'

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

/** Requests no route matched (404s, unparseable URLs) share one series per method. */
export const UNMATCHED = 'unmatched'

export type Metrics = ReturnType<typeof createMetrics>

/**
 * Prometheus metrics of one app, in a registry of its own (several apps may share a process).
 * A control-plane request is counted by an onResponse hook added to its route when the route is
 * declared, holding that route's counters, so nothing is looked up or allocated per request; the
 * root's onResponse only reads `is404` unless no route matched; the emulated API's requests are
 * counted by the pipeline. 401s are classified in onError, which runs only on the error path.
 * Values become Prometheus series when scraped.
 */
export function createMetrics (sources: MetricsSources) {
  const routes = new Map<string, RouteStats>()
  const faults = new NamedCounts(FAULT_KINDS)
  const authFailures = new NamedCounts(AUTH_FAILURE_REASONS)
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
        createRegistry({ routes: () => routes.values(), faults, authFailures, sources }))
      const r = await registry
      return { contentType: r.contentType, text: await r.metrics() }
    },
    /**
     * Counts each request of the routes declared in `scope` from now on (the control plane); the
     * emulated API's requests are counted by the pipeline's record().
     */
    countRoutes (scope: FastifyInstance): void {
      scope.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method]
        const byMethod = new Map(methods.map((m) => [m, statsFor(m, route.url)]))
        const only = methods.length === 1 ? byMethod.get(methods[0]) : undefined
        const hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
          (only ?? byMethod.get(request.method))?.record(reply.statusCode, reply.elapsedTime)
          done()
        }
        const existing = route.onResponse
        route.onResponse = existing === undefined ? [hook] : [...(Array.isArray(existing) ? existing : [existing]), hook]
      })
    },
    /** Counts the requests no route matched, and classifies 401s; on the root, before any route. */
    countUnmatched (app: FastifyInstance): void {
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
    /** The counters of one route, for requests counted by the pipeline. */
    routeStats: statsFor,
    /** A fault applied to an emulated-API request. */
    countFault (kind: FaultKind): void {
      faults.inc(kind)
    }
  }
}
