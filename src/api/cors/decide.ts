import type { IncomingHttpHeaders } from 'node:http'
import { errors, type CloudError } from '../../errors.js'
import { apiOriginAllowed, controlOriginAllowed, fromBrowser, hostAllowed, hostNameOf, type CorsPolicy } from './policy.js'

/**
 * Request headers the official SDKs send (Huawei Cloud SDK cores: signing, project and token
 * headers), allowed in every preflight answer whether or not the browser asks for them.
 */
export const SDK_REQUEST_HEADERS = [
  'Authorization', 'Content-Type', 'X-Auth-Token', 'X-Project-Id', 'X-Sdk-Content-Sha256', 'X-Sdk-Date', 'X-Security-Token'
]

/** How long a browser may reuse a preflight answer, in seconds (Chromium caps it at 7200). */
export const PREFLIGHT_MAX_AGE_S = 600

const API_METHODS = 'GET, HEAD'
const CONTROL_METHODS = 'GET, HEAD, POST, PUT, DELETE'
/**
 * Response headers a page may read besides the CORS-safelisted ones (Fetch §3.2.6): the request
 * id; the emulator's own id of a proxied call (`X-Emulator-Request-Id`, the key of its journal
 * entry when X-Request-Id is the upstream's); and the gateway's debug headers (APIG "Response
 * Headers"), which a page asks for with `X-Apig-Mode: debug` and could not read otherwise.
 */
const EXPOSED = 'X-Request-Id, X-Emulator-Request-Id, X-Apig-Latency, X-Apig-RateLimit-api, X-Apig-RateLimit-api-allenv, X-Apig-RateLimit-user, X-Apig-RateLimit-ip'
// An HTTP field name (RFC 9110 §5.1); anything else in Access-Control-Request-Headers is dropped.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

export interface CorsRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  /** Whether the request came over TLS: the emulator's own origin is then https://. */
  secure: boolean
}

/**
 * `preflight`: answer 204 with these headers, and nothing else happens (no auth, fault, throttling
 * or journal entry). `refused`: answer this error. `answer`: go on, adding these headers (if any)
 * to whatever the response turns out to be, errors included.
 */
export type CorsDecision =
  | { kind: 'preflight', headers: Record<string, string> }
  | { kind: 'refused', error: CloudError }
  | { kind: 'answer', headers: Record<string, string> | undefined }

const ANSWER_PLAIN: CorsDecision = { kind: 'answer', headers: undefined }
// A response that depends on Origin says so, so no cache hands one origin's answer to another.
const VARY_ORIGIN: Record<string, string> = Object.freeze({ vary: 'Origin' })
const ANSWER_VARY: CorsDecision = { kind: 'answer', headers: VARY_ORIGIN }

/** No name listed: browsers are answered under `localhost` and IP literals only. */
export const NO_LISTED_HOSTS: ReadonlySet<string> = Object.freeze(new Set<string>())

/**
 * The Host side of a request, for every path (the control plane, the dashboard and its data, the
 * emulated API): a browser request (policy.ts's fromBrowser) must name a Host that is
 * `localhost`, an IP literal or a name in `listed`, else it gets this refusal. A page whose own
 * name an attacker later resolves to 127.0.0.1 (DNS rebinding) calls the emulator as same-origin,
 * without Origin, under its own name, and would read every record; SDKs, curl and compose
 * services (`http://wks-emulator:8080`) are no browser and are answered under any Host.
 * No Host at all is no browser's (HTTP/1.1 requires one; Fastify answers that 400 itself).
 */
export function hostRefusal (listed: ReadonlySet<string>, headers: IncomingHttpHeaders): CloudError | undefined {
  const { host } = headers
  if (host === undefined || !fromBrowser(headers) || hostAllowed(host, listed)) return undefined
  return errors.hostRefused(shown(hostNameOf(host)?.name ?? host))
}

/** `/_emulator/…`: the control plane. */
export const isControlPath = (url: string): boolean => url.startsWith('/_emulator/') || url === '/_emulator' || url.startsWith('/_emulator?')

/**
 * The CORS side of one request (Fetch standard §3.2, "CORS protocol"). The emulated API follows
 * `--cors` (off: nothing changes, a preflight is the 404 any unknown method gets). The control
 * plane refuses every browser request (one carrying `Origin`) from an origin not listed by name,
 * preflight or not, with or without an admin token, whatever `--cors` says; the emulator's own
 * origin counts as listed under localhost, an IP literal or a name in `listed`. Before either, a
 * browser request under a Host not allowed is refused (hostRefusal), on every path.
 */
export function decideCors (policy: CorsPolicy | undefined, { method, url, headers, secure }: CorsRequest, listed = NO_LISTED_HOSTS): CorsDecision {
  const refusal = hostRefusal(listed, headers)
  if (refusal !== undefined) return { kind: 'refused', error: refusal }
  const origin = headers.origin
  const control = isControlPath(url)
  if (origin === undefined) return control || policy === undefined ? ANSWER_PLAIN : ANSWER_VARY
  const preflight = method === 'OPTIONS' && headers['access-control-request-method'] !== undefined
  if (control) {
    if (!controlOriginAllowed(policy, origin, headers.host, secure, listed)) return { kind: 'refused', error: errors.controlOriginRefused(shown(origin)) }
    return preflight
      ? { kind: 'preflight', headers: preflightHeaders(origin, CONTROL_METHODS, headers) }
      : { kind: 'answer', headers: responseHeaders(origin) }
  }
  if (policy === undefined) return ANSWER_PLAIN
  if (preflight) {
    return apiOriginAllowed(policy, origin)
      ? { kind: 'preflight', headers: preflightHeaders(origin, API_METHODS, headers) }
      : { kind: 'refused', error: errors.corsOriginRefused(shown(origin)) }
  }
  return { kind: 'answer', headers: apiResponseHeaders(policy, origin) }
}

/**
 * The CORS headers of an emulated-API answer (not a preflight), errors included: for the page's
 * origin when `--cors` allows it, else only `Vary: Origin`; none when `--cors` is off.
 */
export function apiResponseHeaders (policy: CorsPolicy | undefined, origin: string | undefined): Record<string, string> | undefined {
  if (policy === undefined) return undefined
  return origin !== undefined && apiOriginAllowed(policy, origin) ? responseHeaders(origin) : VARY_ORIGIN
}

/** The headers of an actual response to an allowed origin. */
function responseHeaders (origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': EXPOSED,
    vary: 'Origin'
  }
}

function preflightHeaders (origin: string, methods: string, headers: IncomingHttpHeaders): Record<string, string> {
  const requested = headers['access-control-request-headers']
  const allowed = new Map(SDK_REQUEST_HEADERS.map((name) => [name.toLowerCase(), name]))
  for (const name of (requested ?? '').split(',')) {
    const trimmed = name.trim()
    if (TOKEN.test(trimmed) && !allowed.has(trimmed.toLowerCase())) allowed.set(trimmed.toLowerCase(), trimmed)
  }
  const answer: Record<string, string> = {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': methods,
    'access-control-allow-headers': [...allowed.values()].join(', '),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'
  }
  // Chromium's Private Network Access: a page of a public site asks before calling a loopback
  // address, and the emulator, which has allowed that origin, says yes.
  if (headers['access-control-request-private-network'] === 'true') answer['access-control-allow-private-network'] = 'true'
  return answer
}

/** An origin or host as named in an error message: whatever was sent, cut to a readable length. */
const shown = (origin: string): string => origin.length > 200 ? `${origin.slice(0, 200)}…` : origin
