import type { Registry } from 'prom-client'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { AUTH_FAILURE_REASONS, CloudError, type AuthFailureReason } from '../../errors.js'
import { FAULT_KINDS, type FaultKind } from '../../schemas/faults.js'
import { POLICY_NAMES, type PolicyName } from '../../schemas/rate-limits.js'
import { UPSTREAM_RESULTS } from '../../schemas/upstream.js'
import { NamedCounts, RouteStats, type MetricsSources } from './request-stats.js'

/** Requests no route matched (404s, unparseable URLs) share one series per method. */
export const UNMATCHED = 'unmatched'

export type Metrics = ReturnType<typeof createMetrics>

/**
 * Prometheus metrics of one app, in a registry of its own (several apps may share a process).
 * A control-plane request is counted by an onResponse hook added to its route when the route is
 * declared, holding that route's counters, so nothing is looked up or allocated per request; the
 * root's onResponse only reads `is404` unless no route matched; the emulated API's requests are
 * counted by the pipeline. Refused authentications are counted by their reason code.
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
    /**
     * Counts each request of the routes declared in `scope` from now on (the control plane), and
     * its refused authentications; the emulated API's requests are counted by the pipeline's record().
     */
    countScope (scope: FastifyInstance): void {
      // onError runs only on the error path; a refusal carries its reason code.
      scope.addHook('onError', (_request, _reply, error, done) => {
        if (error instanceof CloudError && error.reason !== undefined) authFailures.inc(error.reason)
        done()
      })
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
    /** Counts the requests no route matched; on the root, before any route. */
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
