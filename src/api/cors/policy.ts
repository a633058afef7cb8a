import { isIP } from 'node:net'
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
 * literals, which no DNS answer can stand in for.
 */
export function controlOriginAllowed (policy: CorsPolicy | undefined, origin: string, host: string | undefined, secure: boolean): boolean {
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
  return name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0
}
