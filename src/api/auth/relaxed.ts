import { AKSK_AUTHORIZATION } from '../../runtime/wire/aksk-signature.js'
import type { AuthRequest, AuthVerdict } from './types.js'

const single = (value: string | string[] | undefined): string | undefined => Array.isArray(value) ? value[0] : value

/**
 * `--auth relaxed`: a request must carry credentials of either kind, but nothing is verified.
 * Without any, the gateway's "x-auth-token not found" 401.
 */
export function checkRelaxed ({ headers }: AuthRequest): AuthVerdict {
  const token = single(headers['x-auth-token'])
  if (token !== undefined && token.trim() !== '') return { scheme: 'token', principal: 'token', ok: true }
  const authorization = single(headers.authorization)
  if (authorization !== undefined) {
    const match = AKSK_AUTHORIZATION.exec(authorization)
    if (match === null) return { scheme: 'aksk', ok: false, reason: 'bad_signature' }
    if (!single(headers['x-sdk-date'])) return { scheme: 'aksk', principal: match[1], ok: false, reason: 'bad_signature' }
    return { scheme: 'aksk', principal: match[1], ok: true }
  }
  return { scheme: 'none', ok: false, reason: 'missing_credentials' }
}

export function allowAll (): AuthVerdict {
  return { scheme: 'none', ok: true }
}
