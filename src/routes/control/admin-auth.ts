import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { errors } from '../../errors.js'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

// RFC 7235 §2.1: the scheme name is case-insensitive, and one or more spaces separate it from the token.
const BEARER = /^bearer +([^ ]+) *$/i

/**
 * With --admin-token, every control route needs `Authorization: Bearer <token>`. Both sides are
 * hashed first so the comparison takes the same time whatever the length or content of the guess.
 */
export function installAdminAuth (scope: FastifyInstance, token: string | undefined): void {
  if (token === undefined) return
  const expected = digest(token)
  scope.addHook('onRequest', async (request) => {
    const presented = BEARER.exec(request.headers.authorization ?? '')?.[1]
    // An absent token is compared too, as the empty string no configured token can be.
    if (!timingSafeEqual(digest(presented ?? ''), expected)) throw errors.adminUnauthorized()
  })
}
