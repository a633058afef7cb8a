import { hash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { AKSK_AUTHORIZATION } from '../../runtime/wire/aksk-signature.js'

// A client sends the same token call after call: its hash is kept for the next call.
let lastToken = ''
let lastTokenCaller = ''
function tokenCaller (token: string): string {
  if (token !== lastToken) {
    lastToken = token
    lastTokenCaller = 'token:' + hash('sha256', token, 'hex').slice(0, 16)
  }
  return lastTokenCaller
}

/**
 * The caller key of an AK: its scheme first, as a token's is, so an AK named like a token key
 * (`token:` and 16 hex digits, which relaxed mode accepts) never shares that token's count.
 */
export const akCaller = (ak: string): string => 'ak:' + ak

const single = (value: string | string[] | undefined): string | undefined => Array.isArray(value) ? value[0] : value

/**
 * Who a call comes from, as the gateway tells callers apart for its `user` throttling policy:
 * `ak:` and the AK of an AK/SK signature, or `token:` and the first 16 hex digits of the token's
 * SHA-256 (so the control plane never shows a token). Undefined when the call carries neither.
 */
export function callerOf (headers: IncomingHttpHeaders): string | undefined {
  const token = single(headers['x-auth-token'])?.trim()
  if (token) return tokenCaller(token)
  const authorization = single(headers.authorization)
  const m = authorization === undefined ? null : AKSK_AUTHORIZATION.exec(authorization)
  return m === null ? undefined : akCaller(m[1])
}
