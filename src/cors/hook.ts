import type { TLSSocket } from 'node:tls'
import type { FastifyInstance } from 'fastify'
import { decideCors } from './decide.js'
import type { CorsPolicy } from './policy.js'

/**
 * Applies decideCors to every request Fastify handles, before any other concern of the request:
 * a preflight is answered here (so authentication, faults and the journal never see it), a refused
 * browser request gets its 403, and the CORS headers of an answer are set before any hook or
 * handler can fail, so error responses carry them too.
 */
export function installCors (app: FastifyInstance, policy: CorsPolicy | undefined): void {
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw
    const decision = decideCors(policy, { method: raw.method!, url: raw.url!, headers: raw.headers, secure: (raw.socket as TLSSocket).encrypted === true })
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
