import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import { allowAll, checkRelaxed } from './relaxed.js'
import type { AuthOutcome, Authenticator } from './types.js'

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthOutcome
  }
}

export function createAuthenticator (config: Config): Authenticator {
  switch (config.auth) {
    case 'off': return allowAll
    case 'relaxed': return checkRelaxed
    case 'strict': throw new Error('--auth strict is not available yet')
  }
}

/**
 * Authenticates the emulated API's routes (the scope this is called in) before validation, as the
 * gateway does: a request without credentials gets 401 even when its parameters are also wrong.
 */
export function installAuth (scope: FastifyInstance, authenticate: Authenticator): void {
  scope.decorateRequest('auth', undefined)
  scope.addHook('onRequest', async (request) => {
    const { error, ...outcome } = authenticate({ method: request.method, url: request.url, headers: request.headers })
    request.auth = outcome
    if (error) throw error
  })
}
