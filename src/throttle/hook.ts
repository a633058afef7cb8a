import type { FastifyInstance } from 'fastify'
import { errors } from '../errors.js'
import { priorOf } from '../fast-path/prior.js'
import { transactionKey } from '../plugins/transaction-key.js'
import type { PolicyName } from '../schemas/rate-limits.js'
import type { Throttle, ThrottleVerdict } from './throttle.js'
import { rateLimitHeaders, wantsDebug } from './view.js'

declare module 'fastify' {
  interface FastifyRequest {
    throttle?: ThrottleVerdict
  }
}

export interface ThrottleHookOptions {
  throttle: Throttle
  /** Counts a refused call by the policy that refused it (metrics). */
  onThrottled: (policy: PolicyName) => void
}

/**
 * Throttling for each request of the scope, after authentication and before faults and the store,
 * as at the gateway: a refused call never reaches the backend. `X-Apig-Mode: debug` adds the
 * gateway's X-Apig-RateLimit-* and X-Apig-Latency headers to every answer.
 */
export function installThrottle (scope: FastifyInstance, { throttle, onThrottled }: ThrottleHookOptions): void {
  scope.decorateRequest('throttle', undefined)
  scope.addHook('onRequest', (request, _reply, done) => {
    const prior = priorOf(request.raw)
    const verdict = prior?.throttle !== undefined
      ? prior.throttle ?? undefined
      : throttle({ projectId: transactionKey(request).projectId, headers: request.headers, ip: request.socket.remoteAddress })
    request.throttle = verdict
    const tripped = verdict?.tripped
    if (tripped === undefined) { done(); return }
    onThrottled(tripped.policy)
    done(errors.rateLimited(tripped.policy, tripped.rule.limit, tripped.rule.window))
  })
  scope.addHook('onSend', (request, reply, payload, done) => {
    if (wantsDebug(request.headers['x-apig-mode'])) {
      for (const [name, value] of rateLimitHeaders(request.throttle)) reply.header(name, value)
      reply.header('X-Apig-Latency', String(Math.round(reply.elapsedTime)))
    }
    done(null, payload)
  })
}
