import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { errors } from '../errors.js'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/** `Bearer <token>`; the scheme is case-insensitive and may be followed by several spaces (RFC 9110 §11.1, §11.4). */
const BEARER = /^bearer +(.*)$/i

/**
 * With --admin-token, every control route needs `Authorization: Bearer <token>`. Both sides are
 * hashed first so the comparison takes the same time whatever the length or content of the guess.
 */
export function installAdminAuth (scope: FastifyInstance, token: string | undefined): void {
  if (token === undefined) return
  const expected = digest(token)
  scope.addHook('onRequest', async (request) => {
    const given = BEARER.exec(request.headers.authorization ?? '')?.[1]
    if (given === undefined || !timingSafeEqual(digest(given), expected)) throw errors.authFailed('admin_token')
  })
}
