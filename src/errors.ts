import type { ErrorBody } from './schemas/error-body.js'

/**
 * Every error the emulator can answer with. Codes and wordings marked (docs) are the real service's
 * or gateway's (see docs/reference/errors.md); the others are the emulator's own choice.
 */
/**
 * An input a store refuses for what its schema cannot say (a fault rule's latency range, a limit
 * on how many it holds). The message reads as a bad body's detail (`field PATH RULE`); the one
 * error handler renders it as the catalogue's 400 "Invalid request body", a CLI as its own line.
 */
export class RefusedInput extends Error {}

export class CloudError extends Error {
  /** For a refused authentication (401), why, as a code: metrics count it, the log carries it. */
  readonly reason?: AuthFailureReason

  constructor (readonly statusCode: number, readonly errorCode: string, message: string, reason?: AuthFailureReason) {
    super(message)
    if (reason !== undefined) this.reason = reason
    this.name = 'CloudError'
  }

  /** Gateway errors (APIGW.*) carry request_id in the body as the real API gateway does. */
  toBody (requestId: string): ErrorBody {
    return this.errorCode.startsWith('APIGW.')
      ? { error_code: this.errorCode, error_msg: this.message, request_id: requestId }
      : { error_code: this.errorCode, error_msg: this.message }
  }
}

const IAM = 'Incorrect IAM authentication information'

/** Why a request was refused with 401, as a code; the gateway's wording comes from AUTH_FAILURE_WORDING. */
export const AUTH_FAILURE_REASONS = ['missing_credentials', 'bad_signature', 'unknown_ak', 'ak_locked', 'unknown_token', 'token_expired', 'admin_token'] as const
export type AuthFailureReason = typeof AUTH_FAILURE_REASONS[number]

/** (docs) The gateway's wording after "Incorrect IAM authentication information: " for each reason; admin_token is the emulator's own. */
const AUTH_FAILURE_WORDING: Record<AuthFailureReason, string> = {
  missing_credentials: 'x-auth-token not found',
  bad_signature: 'verify aksk signature fail',
  unknown_ak: 'Get secretKey failed,ak:******,err:ak not exist',
  ak_locked: 'AK access failed to reach the limit,forbidden.',
  unknown_token: 'decrypt token fail',
  token_expired: 'token expires',
  admin_token: 'emulator admin token missing or wrong'
}

export const EMPTY_PARAMETER_MSG = 'The request message input by the interface is empty.'
export const DATABASE_MSG = 'Failed to obtain database information. Click Cancel Service and Apply Now again.'

export const errors = {
  /** (docs) WKS.0001, the service's generic "empty request" error. */
  emptyParameter: () => new CloudError(400, 'WKS.0001', EMPTY_PARAMETER_MSG),
  invalidParameter: (field: string, rule: string) => new CloudError(400, 'WKS.0001', `Invalid parameter ${field}: ${rule}.`),
  invalidBody: (detail: string) => new CloudError(400, 'WKS.0001', `Invalid request body: ${detail}.`),
  /** A control-plane body in a charset no decoder knows (RFC 9110 §15.5.16). */
  unsupportedMediaType: () => new CloudError(415, 'WKS.0001', 'Unsupported Content-Type: send the body as application/json.'),
  unsupportedCharset: (charset: string) => new CloudError(415, 'WKS.0001', `Unsupported charset ${charset}: send the body as UTF-8.`),
  /** A control-plane body in a content coding the emulator does not decode (RFC 9110 §8.4). */
  unsupportedContentEncoding: (coding: string) => new CloudError(415, 'WKS.0001', `Unsupported Content-Encoding ${coding}: send the body uncompressed.`),
  transactionNotFound: (projectId: string, transactionId: string) =>
    new CloudError(400, 'WKS.0001', `Transaction ${transactionId} not found in project ${projectId}.`),
  /** Control-plane lookups of something that is not there. */
  resourceNotFound: (what: string) => new CloudError(404, 'WKS.0202', `The resource not found: ${what}.`),
  /** (docs) The gateway's 401 for `reason`; an expired token's names when it expired (epoch ms). */
  authFailed: (reason: AuthFailureReason, expiredAt?: number) => {
    const wording = AUTH_FAILURE_WORDING[reason]
    const text = reason === 'token_expired' && expiredAt !== undefined ? `${wording}, expires_at: ${new Date(expiredAt).toISOString()}` : wording
    return new CloudError(401, 'APIGW.0301', `${IAM}: ${text}`, reason)
  },
  forbidden: () => new CloudError(403, 'APIGW.0302', 'The IAM user is not authorized to access the API.'),
  /**
   * A browser page whose origin `--cors` does not list called the control plane (the emulator's
   * choice of code: the gateway's "not authorized" 403).
   */
  controlOriginRefused: (origin: string) =>
    new CloudError(403, 'APIGW.0302', `The emulator's control plane does not answer pages of origin ${origin}; list the origin in --cors to allow it.`),
  /**
   * A browser request (Origin, Sec-Fetch-*, Referer or a browser's User-Agent) under a Host that is neither `localhost`, an
   * IP literal nor a listed name: how a DNS-rebinding page reaches 127.0.0.1 looking same-origin.
   */
  hostRefused: (host: string) =>
    new CloudError(403, 'APIGW.0302', `The emulator does not answer browser requests for host ${host}; list the name in --allowed-hosts to allow it.`),
  /** A CORS preflight from an origin `--cors` does not allow. */
  corsOriginRefused: (origin: string) => new CloudError(403, 'APIGW.0302', `Origin ${origin} is not allowed by --cors.`),
  /** (docs) APIGW.0308, the gateway's flow control: names the policy that tripped, its limit and window. */
  rateLimited: (policy: string, limit: number, window: string) =>
    new CloudError(429, 'APIGW.0308', `The throttling threshold has been reached: policy ${policy} over ratelimit,limit:${limit},time:${window}`),
  routeNotFound: () => new CloudError(404, 'APIGW.0101', 'The API does not exist or has not been published in the environment.'),
  badRequest: () => new CloudError(400, 'APIGW.0201', 'API request error.'),
  plainHttpToTls: () => new CloudError(400, 'APIGW.0201', 'API request error: plain HTTP was sent to the HTTPS port; use https://.'),
  headersTooLarge: () => new CloudError(431, 'APIGW.0201', 'API request error.'),
  bodyTooLarge: () => new CloudError(413, 'APIGW.0201', 'Request entity too large.'),
  /** The request's headers or body did not arrive within the server's timeouts. */
  requestTimeout: () => new CloudError(408, 'APIGW.0201', 'Request timeout.'),
  /** An `Expect` other than 100-continue. */
  expectationFailed: () => new CloudError(417, 'APIGW.0201', 'API request error.'),
  /** (docs) WKS.00000003, the service's database failure. */
  internal: () => new CloudError(500, 'WKS.00000003', DATABASE_MSG),
  badGateway: () => new CloudError(502, 'APIGW.0202', 'Backend unavailable.'),
  unavailable: () => new CloudError(503, 'APIGW.0203', 'Backend unavailable.'),
  timeout: () => new CloudError(504, 'APIGW.0204', 'Backend timeout.'),
  /** `--unknown-transaction proxy`: no answer from the upstream (refused, reset, DNS) or one too large to be this API's. */
  upstreamUnreachable: (origin: string, detail: string) => new CloudError(502, 'APIGW.0202', `Backend unavailable: upstream ${origin} failed (${detail}).`),
  /** `--unknown-transaction proxy`: the upstream did not answer within --upstream-timeout. */
  upstreamTimeout: (origin: string, detail: string) => new CloudError(504, 'APIGW.0204', `Backend timeout: upstream ${origin} sent ${detail}.`)
}

/** The catalogue's answer for a bare status, used to fill fault rules that name only a status. */
export function errorForStatus (status: number): CloudError {
  switch (status) {
    case 400: return errors.emptyParameter()
    case 401: return errors.authFailed('bad_signature')
    case 403: return errors.forbidden()
    case 404: return errors.routeNotFound()
    case 413: return errors.bodyTooLarge()
    // The shared gateway's default: 200 calls per second per API.
    case 429: return errors.rateLimited('api', 200, '1 second')
    case 500: return errors.internal()
    case 502: return errors.badGateway()
    case 503: return errors.unavailable()
    case 504: return errors.timeout()
    default: return status >= 500 ? new CloudError(status, 'WKS.00000003', DATABASE_MSG) : new CloudError(status, 'WKS.0001', `Request failed with status ${status}.`)
  }
}
