import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { errors } from '../../errors.js'

const digest = (text: string): Buffer => createHash('sha256').update(text).digest()

/**
 * With --admin-token, every control route needs `Authorization: Bearer <token>`. Both sides are
 * hashed first so the comparison takes the same time whatever the length or content of the guess.
 */
export function installAdminAuth (scope: FastifyInstance, token: string | undefined): void {
  if (token === undefined) return
  const expected = digest(`Bearer ${token}`)
  scope.addHook('onRequest', async (request) => {
    if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) throw errors.authFailed('admin_token')
  })
}
