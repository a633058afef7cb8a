import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { CloudError } from '../errors.js'
import type { Metrics } from './metrics/metrics.js'
import { UNMATCHED } from './metrics/metrics.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's requests are accounted for by the api wing's pipeline, which knows more of them (auth, faults). */
    pipeline?: boolean
  }
}

/** What a request's log line shows of it: a FastifyRequest, or the same fields from the fast path. */
export type LoggedRequest = Pick<FastifyRequest, 'method' | 'url' | 'headers'> & { ip?: string }

/**
 * Counts one answered request under its route's series and writes its log line (at info and
 * below): the one way every request is accounted for, whether the api wing's pipeline, a control
 * route or no route answered it. `route` is the route's URL pattern, or UNMATCHED.
 */
export type AccountRequest = (reqId: string, req: LoggedRequest, route: string, status: number, elapsedMs: number) => void

export interface Accounting {
  account: AccountRequest
  /** Accounts every request of `app` that no pipeline accounts for (control plane, unmatched routes) when its response is done; call it before any route is declared. */
  install: (app: FastifyInstance) => void
}

export function createAccounting (metrics: Metrics, log: FastifyBaseLogger, logRequests: boolean): Accounting {
  // Most requests in a row are the same route's (a test or load run repeating one call).
  let last: { method: string, route: string, stats: ReturnType<Metrics['routeStats']> } | undefined
  const statsOf = (method: string, route: string): ReturnType<Metrics['routeStats']> => {
    if (last === undefined || last.method !== method || last.route !== route) last = { method, route, stats: metrics.routeStats(method, route) }
    return last.stats
  }
  const account: AccountRequest = (reqId, req, route, status, elapsedMs) => {
    statsOf(req.method, route).record(status, elapsedMs)
    // reqId first, where a child logger's binding would put it.
    if (logRequests) log.info({ reqId, req, res: { statusCode: status }, responseTime: elapsedMs }, 'request')
  }
  return {
    account,
    install (app) {
      // Refusals of the control plane's admin token carry a reason code, counted like the API's.
      app.addHook('onError', (request, _reply, error, done) => {
        if (request.routeOptions.config.pipeline !== true && error instanceof CloudError && error.reason !== undefined) metrics.countAuthFailure(error.reason)
        done()
      })
      // Each route gets its hook when it is declared, holding its own pattern, so nothing per request
      // reads the route's options (a getter that builds an object) or looks a series up by name.
      app.addHook('onRoute', (route) => {
        if (route.config?.pipeline === true) return
        const pattern = route.url
        // A route's series exist from its declaration, in declaration order, as Prometheus readers expect them to.
        for (const method of Array.isArray(route.method) ? route.method : [route.method]) metrics.routeStats(method, pattern)
        const hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
          account(request.id, request, pattern, reply.statusCode, reply.elapsedTime)
          done()
        }
        const existing = route.onResponse
        route.onResponse = existing === undefined ? [hook] : [...(Array.isArray(existing) ? existing : [existing]), hook]
      })
      // Requests no route matched run only the root's hooks; is404 is a plain read.
      // Callback style: an async hook costs a promise and a microtask on every request.
      app.addHook('onResponse', (request, reply, done) => {
        if (request.is404) account(request.id, request, UNMATCHED, reply.statusCode, reply.elapsedTime)
        done()
      })
    }
  }
}
