import { hash, timingSafeEqual } from 'node:crypto'
import { SECRET_HEADERS } from '../../runtime/wire/http.js'
import { canonicalRequest, canonicalTarget, headerValue, signature, stringToSign } from '../../runtime/wire/aksk-signature.js'
import type { AkskEntry, Credentials, TokenEntry } from '../../config/credentials.js'
import { createLockout, type Lockout, type LockoutOptions } from './lockout.js'
import { AKSK_AUTHORIZATION } from '../../runtime/wire/aksk-signature.js'
import type { AuthRequest, AuthVerdict, Authenticator } from './types.js'

/** The gateway refuses an X-Sdk-Date further than this from its own clock, either way. */
export const MAX_SKEW_MS = 15 * 60_000

const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** X-Sdk-Date (`YYYYMMDDTHHMMSSZ`, UTC) as epoch ms, or undefined unless it is a real instant in that form. */
export function parseSdkDate (value: string): number | undefined {
  const m = SDK_DATE.exec(value)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number)
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  // Date.UTC rolls 20191332 over into the next year; a real date comes back with the same fields.
  const back = new Date(ms)
  const real = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d &&
    back.getUTCHours() === h && back.getUTCMinutes() === mi && back.getUTCSeconds() === s
  return real ? ms : undefined
}

/**
 * The last answers of the pure steps of a verification, per authenticator. A client repeats
 * itself: the same X-Sdk-Date for a second, the same request target when it polls or retries,
 * the same signed request when a load run replays one. Each value is recomputed unless its input
 * is the same string as last time, so a verdict never depends on what came before.
 */
export interface VerifyMemo {
  sdkDate: string
  dateMs: number | undefined
  url: string
  target: string
  /** AK, date and canonical request of the last signature computed, its SK, and that signature. */
  signed: string
  sk: string
  signature: string
}

export const newVerifyMemo = (): VerifyMemo =>
  ({ sdkDate: '', dateMs: undefined, url: '', target: canonicalTarget(''), signed: '', sk: '', signature: '' })

function memoDate (memo: VerifyMemo, value: string): number | undefined {
  if (value !== memo.sdkDate) {
    memo.sdkDate = value
    memo.dateMs = parseSdkDate(value)
  }
  return memo.dateMs
}

function expectedSignature (memo: VerifyMemo, request: AuthRequest, auth: ParsedAuthorization, sk: string, sdkDate: string): string {
  if (request.url !== memo.url) {
    memo.url = request.url
    memo.target = canonicalTarget(request.url)
  }
  const canonical = canonicalRequest(request, auth.signedHeaders, memo.target)
  const signed = `${auth.ak}\n${sdkDate}\n${canonical}`
  if (signed !== memo.signed || sk !== memo.sk) {
    memo.signed = signed
    memo.sk = sk
    memo.signature = signature(sk, stringToSign(sdkDate, canonical))
  }
  return memo.signature
}

/** Compares two equal-length byte strings; the strict verifier's only way to compare secrets. */
export type BytesEqual = (a: Buffer, b: Buffer) => boolean
export const CONSTANT_TIME_EQUAL: BytesEqual = timingSafeEqual

/**
 * Equality of two strings in time that depends on neither their contents nor their lengths: both
 * are hashed to 32 bytes first, then compared with `compare` (crypto.timingSafeEqual).
 */
export function safeEqual (a: string, b: string, compare: BytesEqual = CONSTANT_TIME_EQUAL): boolean {
  // @types/node 20 types crypto.hash as returning a string; with 'buffer' it returns a Buffer.
  const digest = (s: string): Buffer => hash('sha256', s, 'buffer') as unknown as Buffer
  return compare(digest(a), digest(b))
}

/**
 * Equality of the expected and the sent signature in time that does not depend on where they
 * differ. Unlike a token, a signature's length is no secret (64 hex digits), so the bytes are
 * compared as they are, without hashing them first.
 */
export function signaturesEqual (expected: string, sent: string, compare: BytesEqual = CONSTANT_TIME_EQUAL): boolean {
  return expected.length === sent.length && compare(Buffer.from(expected, 'latin1'), Buffer.from(sent, 'latin1'))
}

/** What a verdict depends on besides the request; `now` is epoch ms. */
export interface StrictContext {
  credentials: Credentials
  lockout: Lockout
  now: number
  compare?: BytesEqual
  /** Kept between the requests one authenticator verifies; a fresh one when absent. */
  memo?: VerifyMemo
}

export interface ParsedAuthorization { ak: string, signedHeaders: string[], signature: string }

export function parseAuthorization (value: string): ParsedAuthorization | undefined {
  const m = AKSK_AUTHORIZATION.exec(value)
  if (!m) return undefined
  const signedHeaders = m[2].toLowerCase().split(';')
  if (signedHeaders.some((h) => h === '')) return undefined
  return { ak: m[1], signedHeaders, signature: m[3] }
}

function verifyToken (token: string, { credentials, now, compare }: StrictContext): AuthVerdict {
  let found: TokenEntry | undefined
  // Every configured token is compared, so the time taken does not tell which one came close.
  for (const entry of credentials.tokens) if (safeEqual(entry.token, token, compare) && !found) found = entry
  if (!found) return { scheme: 'token', principal: 'token', ok: false, reason: 'unknown_token', detail: 'token not configured' }
  if (found.expiresAt !== undefined && now >= found.expiresAt) {
    return { scheme: 'token', principal: 'token', ok: false, reason: 'token_expired', expiredAt: found.expiresAt, detail: 'token expired' }
  }
  return { scheme: 'token', principal: 'token', ok: true }
}

/** Why an AK/SK request from a known, unlocked AK fails, or undefined when it verifies. */
function akskProblem (request: AuthRequest, auth: ParsedAuthorization, entry: AkskEntry, { now, compare, memo = newVerifyMemo() }: StrictContext): string | undefined {
  const { headers } = request
  if (!auth.signedHeaders.includes('x-sdk-date')) return 'x-sdk-date is not among SignedHeaders'
  const missing = auth.signedHeaders.find((name) => headerValue(headers, name) === undefined)
  if (missing !== undefined) return `signed header ${missing} is not in the request`
  const sdkDate = headerValue(headers, 'x-sdk-date')!
  const date = memoDate(memo, sdkDate)
  if (date === undefined) return `X-Sdk-Date ${JSON.stringify(sdkDate)} is not YYYYMMDDTHHMMSSZ`
  if (Math.abs(now - date) > MAX_SKEW_MS) return `X-Sdk-Date ${sdkDate} is more than 15 minutes from the emulator's clock (${new Date(now).toISOString()})`
  if (entry.expiresAt !== undefined && now >= entry.expiresAt) return `the AK/SK pair expired at ${new Date(entry.expiresAt).toISOString()}`
  const sentToken = headerValue(headers, 'x-security-token')
  if (entry.securityToken === undefined) {
    if (sentToken !== undefined) return 'X-Security-Token was sent with a permanent AK'
  } else {
    if (sentToken === undefined) return 'X-Security-Token is required for this temporary AK'
    if (!auth.signedHeaders.includes('x-security-token')) return 'X-Security-Token is not among SignedHeaders'
    if (!safeEqual(sentToken, entry.securityToken, compare)) return 'X-Security-Token does not match'
  }
  const expected = expectedSignature(memo, request, auth, entry.sk, sdkDate)
  return signaturesEqual(expected, auth.signature, compare) ? undefined : 'signature mismatch'
}

/** The canonical request for the log, with the values of secret headers replaced. */
function redactedCanonical (request: AuthRequest, signedHeaders: string[]): string {
  const headers = { ...request.headers }
  for (const name of SECRET_HEADERS) if (headers[name] !== undefined) headers[name] = '[redacted]'
  return canonicalRequest({ ...request, headers }, signedHeaders)
}

function verifyAksk (request: AuthRequest, authorization: string, context: StrictContext): AuthVerdict {
  const { credentials, lockout, now } = context
  const auth = parseAuthorization(authorization)
  if (!auth) {
    return { scheme: 'aksk', ok: false, reason: 'bad_signature', detail: 'Authorization is not "SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…"' }
  }
  const principal = auth.ak
  const entry = credentials.aksk.get(principal)
  if (!entry) return { scheme: 'aksk', principal, ok: false, reason: 'unknown_ak', detail: 'AK not configured' }
  if (lockout.isLocked(principal, now)) return { scheme: 'aksk', principal, ok: false, reason: 'ak_locked', detail: 'AK locked after repeated failures' }
  const problem = akskProblem(request, auth, entry, context)
  if (problem === undefined) {
    lockout.recordSuccess(principal)
    return { scheme: 'aksk', principal, ok: true }
  }
  lockout.recordFailure(principal, now)
  const verdict: AuthVerdict = { scheme: 'aksk', principal, ok: false, reason: 'bad_signature', detail: problem }
  if (problem === 'signature mismatch') verdict.canonicalRequest = redactedCanonical(request, auth.signedHeaders)
  return verdict
}

/**
 * The `--auth strict` verdict for one request at time `now`: a configured token, or an AK/SK
 * signature verified as the gateway does. A non-empty X-Auth-Token is used when both are sent.
 */
export function verifyStrict (request: AuthRequest, context: StrictContext): AuthVerdict {
  const token = headerValue(request.headers, 'x-auth-token')
  if (token) return verifyToken(token, context)
  const authorization = headerValue(request.headers, 'authorization')
  if (authorization !== undefined) return verifyAksk(request, authorization, context)
  return { scheme: 'none', ok: false, reason: 'missing_credentials', detail: 'no X-Auth-Token or Authorization header' }
}

export interface StrictOptions {
  lockout?: LockoutOptions
  /** Epoch ms; tests pass their own clock. */
  now?: () => number
}

export function createStrictAuthenticator (credentials: Credentials, { lockout: lockoutOptions, now = Date.now }: StrictOptions = {}): Authenticator {
  const lockout = createLockout(lockoutOptions)
  const memo = newVerifyMemo()
  const authenticate: Authenticator = (request) => verifyStrict(request, { credentials, lockout, now: now(), memo })
  authenticate.reset = () => lockout.clear()
  authenticate.needsBody = true
  return authenticate
}
