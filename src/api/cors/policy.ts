import { isIP } from 'node:net'

/**
 * The origins `--cors` lets call the emulator from a browser. `anyOrigin` (`--cors '*'`) covers
 * the emulated API only: the control plane answers the origins listed by name and no others.
 */
export interface CorsPolicy {
  anyOrigin: boolean
  /** Serialized origins (RFC 6454 §6.2: lowercase scheme and host, no default port), as browsers send them. */
  origins: ReadonlySet<string>
}

/**
 * Reads `--cors`: `*`, or a comma list of origins such as `http://localhost:5173`. Throws an Error
 * whose message says what is wrong with the first bad entry.
 */
export function parseCorsOrigins (text: string): CorsPolicy {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')
  if (entries.length === 0) throw new Error('expected * or a comma list of origins')
  const origins = new Set<string>()
  let anyOrigin = false
  for (const entry of entries) {
    if (entry === '*') anyOrigin = true
    else origins.add(serializeOrigin(entry))
  }
  return { anyOrigin, origins }
}

function serializeOrigin (entry: string): string {
  const problem = `${JSON.stringify(entry)} is not an origin: write scheme://host[:port], e.g. http://localhost:5173`
  let url: URL
  try {
    url = new URL(entry)
  } catch {
    throw new Error(problem)
  }
  // An origin has no path, query, fragment or credentials; a lone trailing slash is forgiven.
  const bare = url.pathname === '/' && !/[?#@]/.test(entry)
  if (!bare || !/^https?:$/.test(url.protocol)) throw new Error(problem)
  return url.origin
}

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
