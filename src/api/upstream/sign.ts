import type { OutgoingHttpHeaders } from 'node:http'
import { signRequest } from '../../runtime/wire/aksk-signature.js'
import type { Credentials } from '../../config/credentials.js'

/** How forwarded calls authenticate to the upstream: the first AK/SK of the file, else its first token. */
export type UpstreamAuth =
  | { scheme: 'aksk', ak: string, sk: string, securityToken?: string }
  | { scheme: 'token', token: string }

export function upstreamAuthOf (credentials: Credentials): UpstreamAuth {
  const first = credentials.aksk.entries().next()
  if (first.done !== true) {
    const [ak, { sk, securityToken }] = first.value
    return { scheme: 'aksk', ak, sk, securityToken }
  }
  return { scheme: 'token', token: credentials.tokens[0].token }
}

/** `YYYYMMDDTHHMMSSZ` in UTC, the X-Sdk-Date form every SDK sends. */
export function sdkDate (epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

export interface OutgoingCall {
  /** Path and query as they go on the wire (already percent-encoded). */
  target: string
  /** `host[:port]` of the upstream, as the Host header carries it. */
  host: string
  projectId: string
}

/**
 * The headers of one forwarded call, signed anew as the Node SDK core signs a BasicCredentials
 * request (huaweicloud-sdk-nodejs-v3 core `auth/AKSKSigner.js`, `BaseCredentials.processAuthRequest`):
 * Content-Type, Host, X-Project-Id, X-Sdk-Date and, for temporary credentials, X-Security-Token are
 * signed; Accept and User-Agent are not. A token goes in X-Auth-Token instead; no auth sends none.
 */
export function upstreamHeaders (auth: UpstreamAuth | undefined, call: OutgoingCall, nowMs: number, userAgent: string): OutgoingHttpHeaders {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
    'user-agent': userAgent,
    host: call.host,
    'x-project-id': call.projectId
  }
  if (auth === undefined) return headers
  if (auth.scheme === 'token') return { ...headers, 'x-auth-token': auth.token }
  headers['x-sdk-date'] = sdkDate(nowMs)
  const signed = ['content-type', 'host', 'x-project-id', 'x-sdk-date']
  if (auth.securityToken !== undefined) {
    headers['x-security-token'] = auth.securityToken
    signed.push('x-security-token')
  }
  headers.authorization = signRequest({ method: 'GET', url: call.target, headers }, auth.ak, auth.sk, signed)
  return headers
}
