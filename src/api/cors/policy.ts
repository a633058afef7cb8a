import type { IncomingHttpHeaders } from 'node:http'
import { isIP } from 'node:net'
import { bareName } from '../../config/host-names.js'
import type { CorsPolicy } from '../../config/cors-flag.js'

// Parsed from --cors once, in config/; the pipeline and this step's hooks name it through here.
export type { CorsPolicy }

/**
 * Whether `origin` is what a browser sends as Origin: `null` (file:// pages, sandboxed frames), or
 * `scheme://host[:port]` exactly as the WHATWG URL parser serializes it (RFC 6454 §6.2): lowercase
 * scheme and host, an IDN in punycode, a valid IP, no default port and no port 0, nothing after
 * it. An uppercase scheme, a raw UTF-8 host, `:99999` or `http://[::1` did not come from a page.
 */
function isSentOrigin (origin: string): boolean {
  if (origin === 'null') return true
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  return url.host !== '' && url.port !== '0' && `${url.protocol}//${url.host}` === origin
}

/**
 * Whether a page of this origin may read the emulated API's answers. `*` covers every origin a
 * browser can send, and is never echoed for a malformed one.
 */
export function apiOriginAllowed (policy: CorsPolicy, origin: string): boolean {
  return policy.origins.has(origin) || (policy.anyOrigin && isSentOrigin(origin))
}

/**
 * Whether a browser page of this origin may call the control plane: an origin listed by name in
 * `--cors`, or the emulator's own origin (its dashboard) when the Host is a name no other site can
 * take over. A page on any other site must not reset, seed or read the emulator on a developer's
 * machine; a page served under a name the attacker controls and resolved to 127.0.0.1 (DNS
 * rebinding) looks same-origin to the browser, so same-origin counts only for `localhost` and IP
 * literals, which no DNS answer can stand in for, and for the names the user listed (`listed`).
 */
export function controlOriginAllowed (policy: CorsPolicy | undefined, origin: string, host: string | undefined, secure: boolean, listed?: ReadonlySet<string>): boolean {
  if (policy?.origins.has(origin) === true) return true
  if (host === undefined) return false
  let own: URL
  try {
    own = new URL(`${secure ? 'https' : 'http'}://${host}`)
  } catch {
    return false
  }
  if (own.origin !== origin) return false
  const name = own.hostname.replace(/^\[(.*)\]$/, '$1')
  return isOwnName(name) || listed?.has(bareName(name)) === true
}

/**
 * Names no DNS answer can stand in for: `localhost` and its subdomains (RFC 6761 §6.3; browsers
 * resolve them to loopback themselves) and IP literals. Every other name may be an attacker's,
 * made to resolve to 127.0.0.1 after its page has loaded (DNS rebinding).
 */
const isOwnName = (name: string): boolean => name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0

/**
 * Whether a request comes from a browser: it carries `Origin` or any `Sec-Fetch-*` header (Fetch
 * Metadata), a `Referer`, or a `User-Agent` that starts as every browser's does (`Mozilla/`).
 * Metadata alone is not enough: Chromium sends Sec-Fetch-* to https:// and localhost only, so a
 * same-origin GET of a page on http://rebind.test carries neither Origin nor Sec-Fetch-*, only
 * its User-Agent and Referer (test/browser/dns-rebinding.test.ts sees exactly that). A page can
 * drop the Referer, and Chromium does not let it change the User-Agent. SDKs, curl and services
 * calling each other send none of these.
 */
export function fromBrowser (headers: IncomingHttpHeaders): boolean {
  if (headers.origin !== undefined || headers.referer !== undefined || headers['user-agent']?.startsWith('Mozilla/') === true) return true
  for (const name in headers) if (name.startsWith('sec-fetch-')) return true
  return false
}

// Host = uri-host [":" port] (RFC 9110 §7.2): an IPv6 literal in brackets, or a name or IPv4 without a colon.
const HOST = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::\d*)?$/

/**
 * The name a Host header gives, bare (no port, brackets or trailing dot, lowercase), with whether
 * it is one of the emulator's own names; undefined for a Host that names nothing.
 */
export function hostNameOf (host: string): { name: string, own: boolean } | undefined {
  const match = HOST.exec(host)
  if (match === null) return undefined
  if (match[1] !== undefined) return isIP(match[1]) === 6 ? { name: match[1], own: true } : undefined
  const name = bareName(match[2])
  return { name, own: name !== '' && isOwnName(name) }
}

/**
 * Whether a browser may be answered under this Host: `localhost`, an IP literal, or a name the user
 * listed (`--allowed-hosts`, the `--cors` origins' names).
 */
export function hostAllowed (host: string, listed: ReadonlySet<string>): boolean {
  const parsed = hostNameOf(host)
  return parsed !== undefined && (parsed.own || listed.has(parsed.name))
}
