import { createHmac, hash } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { unescape } from 'node:querystring'

/** `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex` (reference §2.4). */
export const AKSK_AUTHORIZATION = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)\s*$/

/** The parts of a request an AK/SK signature covers (SDK-HMAC-SHA256). */
export interface SignedRequest {
  method: string
  /** The raw request target as received: path and query, still percent-encoded. */
  url: string
  headers: IncomingHttpHeaders
  body?: Buffer
}

/**
 * SDK-HMAC-SHA256, the API gateway's AK/SK signature (Huawei Cloud API Request Signing Guide), as
 * separate steps so each intermediate value can be checked. The gateway recomputes the signature
 * from what arrived, so everything here starts from the wire form of the request.
 */

export const ALGORITHM = 'SDK-HMAC-SHA256'
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

// crypto.hash: a one-shot digest without a Hash object per call (it runs several times per request).
export const sha256Hex = (data: string | Buffer): string => hash('sha256', data, 'hex')

/** RFC 3986 percent-encoding: only `A-Z a-z 0-9 - _ . ~` stay as they are, hex in upper case. */
export function encodeRfc3986 (value: string): string {
  // encodeURIComponent leaves !'()* alone, which RFC 3986 reserves.
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}

// querystring.unescape falls back to a lenient decoder, so a stray `%` is kept instead of throwing.
const decode = (value: string): string => unescape(value)

// Text of only unreserved characters decodes and re-encodes to itself; most paths and ids are such text.
const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/
const reencode = (value: string): string => UNRESERVED.test(value) ? value : encodeRfc3986(decode(value))

export function splitUrl (url: string): { path: string, query: string } {
  const at = url.indexOf('?')
  return at === -1 ? { path: url, query: '' } : { path: url.slice(0, at), query: url.slice(at + 1) }
}

/** Each path segment decoded and re-encoded, always ending in `/` (the signers add it; the wire path has none). */
export function canonicalUri (path: string): string {
  const uri = path.split('/').map(reencode).join('/')
  return uri.endsWith('/') ? uri : uri + '/'
}

/**
 * Query parameters decoded and re-encoded, sorted by name and then value (so repeated names too),
 * joined as `k=v&…`. `+` decodes to a space, as form encoding (and the Go SDK's wire form) has it.
 */
export function canonicalQueryString (query: string): string {
  const pairs: Array<[string, string]> = []
  for (const part of query.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const [key, value] = eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)]
    pairs.push([reencode(key.replace(/\+/g, ' ')), reencode(value.replace(/\+/g, ' '))])
  }
  pairs.sort(([ka, va], [kb, vb]) => ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0)
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

/** A header's value as signed: repeated headers joined by `,`, surrounding whitespace trimmed. */
export function headerValue (headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  if (value === undefined) return undefined
  return (Array.isArray(value) ? value.join(',') : value).trim()
}

/** `name:value\n` for each signed header in the declared order; a missing header signs as empty. */
export function canonicalHeaders (headers: IncomingHttpHeaders, signedHeaders: readonly string[]): string {
  return signedHeaders.map((name) => `${name}:${headerValue(headers, name) ?? ''}\n`).join('')
}

/** X-Sdk-Content-Sha256 (e.g. UNSIGNED-PAYLOAD) if sent, else the SHA-256 of the exact body bytes. */
export function payloadHash (headers: IncomingHttpHeaders, body?: Buffer): string {
  const declared = headerValue(headers, 'x-sdk-content-sha256')
  if (declared !== undefined) return declared
  return body === undefined || body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(body)
}

// A path of unreserved characters and slashes, and at most one `name=value` of them: already canonical.
const PLAIN_PATH = /^[A-Za-z0-9\-_.~/]*$/
const PLAIN_PAIR = /^[A-Za-z0-9\-_.~]+=[A-Za-z0-9\-_.~]*$/

/** The canonical URI and query string lines of a request target (`uri\nquery`). */
export function canonicalTarget (url: string): string {
  const { path, query } = splitUrl(url)
  const uri = PLAIN_PATH.test(path) ? (path.endsWith('/') ? path : path + '/') : canonicalUri(path)
  return `${uri}\n${query === '' || PLAIN_PAIR.test(query) ? query : canonicalQueryString(query)}`
}

/** `target` is canonicalTarget(request.url), for a caller that has it already. */
export function canonicalRequest (request: SignedRequest, signedHeaders: readonly string[], target = canonicalTarget(request.url)): string {
  return [
    request.method.toUpperCase(),
    target,
    canonicalHeaders(request.headers, signedHeaders),
    signedHeaders.join(';'),
    payloadHash(request.headers, request.body)
  ].join('\n')
}

// Node hands header values over as latin1 text, one character per byte on the wire. The gateway
// hashes those bytes, so a value with bytes >= 0x80 (UTF-8 text in a User-Agent) is hashed as the
// bytes it arrived as, not encoded as UTF-8 a second time. The rest of the canonical request is ASCII.
const NON_ASCII = /[^\t\n\u0020-\u007e]/

/**
 * The string to sign. `canonical` holds header values as Node delivers them (latin1: a character
 * per byte received), so a client signing here must give header values in that form too, e.g.
 * `Buffer.from('测试', 'utf8').toString('latin1')` for the UTF-8 bytes it sends.
 */
export function stringToSign (sdkDate: string, canonical: string): string {
  const bytes = NON_ASCII.test(canonical) ? Buffer.from(canonical, 'latin1') : canonical
  return `${ALGORITHM}\n${sdkDate}\n${sha256Hex(bytes)}`
}

/** Lower-case hex HMAC-SHA256 keyed with the SK's UTF-8 bytes; no key derivation. */
export function signature (sk: string, toSign: string): string {
  return createHmac('sha256', Buffer.from(sk, 'utf8')).update(toSign).digest('hex')
}

export function authorizationHeader (ak: string, signedHeaders: readonly string[], sig: string): string {
  return `${ALGORITHM} Access=${ak}, SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}`
}

/**
 * Signs a request as a client would (the headers named must already be on it, X-Sdk-Date
 * included); tests and tools use it to build requests the verifier must accept.
 */
export function signRequest (request: SignedRequest, ak: string, sk: string, signedHeaders: readonly string[]): string {
  const date = headerValue(request.headers, 'x-sdk-date') ?? ''
  return authorizationHeader(ak, signedHeaders, signature(sk, stringToSign(date, canonicalRequest(request, signedHeaders))))
}
