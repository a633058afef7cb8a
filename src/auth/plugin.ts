import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { errors } from '../errors.js'
import { loadCredentials } from './credentials.js'
import { allowAll, checkRelaxed } from './relaxed.js'
import { createStrictAuthenticator } from './strict.js'
import { authOutcome, type AuthOutcome, type Authenticator } from './types.js'
import { priorOf } from '../fast-path/prior.js'

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthOutcome
  }
}

/** Body bytes strict auth will buffer to hash; larger is a 413, as the gateway's limit would be. */
export const MAX_SIGNED_BODY = 1024 * 1024

/**
 * The authenticator for `--auth`; for strict, a bad or missing credentials source is a ConfigError.
 * `now` is the emulator's clock (epoch ms), which expiry, the X-Sdk-Date window and lockouts read.
 */
export function createAuthenticator (config: Config, now: () => number = Date.now): Authenticator {
  switch (config.auth) {
    case 'off': return allowAll
    case 'relaxed': return checkRelaxed
    case 'strict': return createStrictAuthenticator(loadCredentials(config), {
      now,
      lockout: {
        threshold: config.lockoutThreshold,
        durationMs: config.lockoutSeconds === undefined ? undefined : config.lockoutSeconds * 1000
      }
    })
  }
}

const hasBody = (request: FastifyRequest): boolean => {
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

async function readBody (request: FastifyRequest): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length
    if (size > MAX_SIGNED_BODY) throw errors.bodyTooLarge()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

const BODY = Symbol('authBody')
type WithBody = FastifyRequest & { [BODY]?: Buffer }

/**
 * Authenticates the emulated API's routes (the scope this is called in) before validation and
 * faults, as the gateway does: a request without credentials gets 401 even when its parameters are
 * also wrong. An authenticator that `needsBody` (strict) reads a sent body first so its exact bytes are hashed; the bytes
 * are handed back to Fastify's parser afterwards, so a route with a body still gets it.
 */
export function installAuth (scope: FastifyInstance, authenticate: Authenticator): void {
  scope.decorateRequest('auth', undefined)
  const decide = (request: FastifyRequest, body: Buffer | undefined): void => {
    const verdict = priorOf(request.raw)?.auth ?? authenticate({ method: request.method, url: request.url, headers: request.headers, body })
    const { error, reason, canonicalRequest } = verdict
    request.auth = authOutcome(verdict)
    if (!error) return
    if (reason !== undefined) request.log.info({ auth: request.auth, reason }, 'authentication refused')
    if (canonicalRequest !== undefined) request.log.debug({ canonicalRequest }, 'canonical request computed by the emulator')
    throw error
  }
  if (authenticate.needsBody !== true) {
    // Callback style: no promise or microtask per request for the modes that never read a body.
    scope.addHook('onRequest', (request, _reply, done) => {
      try {
        decide(request, undefined)
        done()
      } catch (err) {
        done(err as Error)
      }
    })
    return
  }
  scope.addHook('onRequest', async (request) => {
    const body = hasBody(request) ? await readBody(request) : undefined
    if (body !== undefined) (request as WithBody)[BODY] = body
    decide(request, body)
  })
  scope.addHook('preParsing', async (request, _reply, payload) => {
    const body = (request as WithBody)[BODY]
    return body === undefined ? payload : Readable.from([body], { objectMode: false })
  })
}
