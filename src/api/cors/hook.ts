import type { TLSSocket } from 'node:tls'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { decideCors, type CorsDecision } from './decide.js'
import type { CorsPolicy } from './policy.js'

const decisionFor = (policy: CorsPolicy | undefined, listed: ReadonlySet<string>, { raw }: FastifyRequest): CorsDecision =>
  decideCors(policy, { method: raw.method!, url: raw.url!, headers: raw.headers, secure: (raw.socket as TLSSocket).encrypted === true }, listed)

/**
 * Applies decideCors to every request Fastify handles but the emulated API's own (whose headers
 * are a step of the request pipeline, taken for both its entrances), before any other hook: a
 * preflight is answered here, so authentication, faults, throttling and the journal never see it;
 * a refused browser request gets its 403; and the CORS headers of an answer are set before any
 * hook or handler can fail, so error responses (a 404, the control plane's 401) carry them too.
 * `listed`: the host names browsers are answered under besides localhost and IP literals.
 */
export function installCors (app: FastifyInstance, policy: CorsPolicy | undefined, listed: ReadonlySet<string>): void {
  app.addHook('onRequest', (request, reply, done) => {
    // A preflight is an OPTIONS, never routed to the API's GET.
    if (request.routeOptions.config.pipeline === true) { done(); return }
    const decision = decisionFor(policy, listed, request)
    if (decision.kind === 'answer') {
      if (decision.headers !== undefined) reply.headers(decision.headers)
      done()
    } else if (decision.kind === 'refused') {
      done(decision.error)
    } else {
      reply.code(204).headers(decision.headers).send()
    }
  })
}

type FrameworkErrors = (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => void

/**
 * Fastify's `frameworkErrors` (a request refused while routing, before any hook) with the CORS
 * headers of the request's origin, so a page can read that 400 too.
 */
export function withCorsHeaders (policy: CorsPolicy | undefined, listed: ReadonlySet<string>, handler: FrameworkErrors): FrameworkErrors {
  if (policy === undefined) return handler
  return (err, request, reply) => {
    const decision = decisionFor(policy, listed, request)
    if (decision.kind === 'answer' && decision.headers !== undefined) reply.headers(decision.headers)
    handler(err, request, reply)
  }
}
