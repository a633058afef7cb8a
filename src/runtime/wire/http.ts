import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { ProjectIdSchema, TransactionIdSchema } from '../../schemas/access-stages.js'

/** The emulated API's one route, in Fastify's pattern syntax (ShowUserAccessStages). */
export const ACCESS_STAGES_URL = '/v2/:project_id/statistics/metrics/access-stages'

/** The content type of every JSON answer, the API's and the catalogue errors'. */
export const JSON_TYPE = 'application/json; charset=utf-8'

/** The gateway's request-id header, on every answer (lower case: the form Node writes). */
export const REQUEST_ID_HEADER = 'x-request-id'

/** The gateway's debug switch: `X-Apig-Mode: debug` asks for the X-Apig-RateLimit-* and X-Apig-Latency headers. */
export const APIG_MODE_HEADER = 'x-apig-mode'
/**
 * Headers that carry secrets (credentials, tokens, session cookies): their values never reach a
 * log line or a logged canonical request.
 */
export const SECRET_HEADERS: readonly string[] = ['authorization', 'x-auth-token', 'x-security-token', 'cookie']

/** Where an answer forwarded from `--upstream` carries the emulator's own id (X-Request-Id is the upstream's). */
export const EMULATOR_REQUEST_ID_HEADER = 'x-emulator-request-id'

/** Whether a request carries a body (RFC 9112 §6.3: a Transfer-Encoding, or a Content-Length above 0). */
export function hasBody (headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length']
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/**
 * An HTTP/1.1 request without Host, which RFC 9112 §3.2 makes a 400. Node's own check is off
 * (server options) so the 400 has the catalogue's shape; HTTP/1.0 may leave Host out.
 */
export function hostMissing (req: Pick<IncomingMessage, 'headers' | 'httpVersionMajor' | 'httpVersionMinor'>): boolean {
  return req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor === 1
}

/** The project and transaction an emulated-API request names; missing when the request names none (yet). */
export interface TransactionKey { projectId?: string, transactionId?: string }

// The route split where its parameter sits, so the matcher follows the route's own text.
const [PREFIX, REST] = ACCESS_STAGES_URL.split(':project_id')
const QUERY = `${REST}?transaction_id=`
// The schema's own project_id pattern: a value outside it goes to Fastify for its 400.
const PROJECT_ID = new RegExp(ProjectIdSchema.pattern!)
// Characters that percent-decoding, `+`-decoding and query splitting all leave alone (RFC 3986
// unreserved), within the schema's lengths: for these the raw text is the parsed value.
const PLAIN_TRANSACTION_ID = new RegExp(`^[0-9A-Za-z._~-]{${TransactionIdSchema.minLength!},${TransactionIdSchema.maxLength!}}$`)

/**
 * The key of `GET /v2/{project_id}/statistics/metrics/access-stages?transaction_id={id}` when the
 * request target is in its plain form, with nothing to decode and nothing for validation to
 * refuse; undefined for anything else, which Fastify's router, parsers and schemas then handle.
 */
export function plainLookupKey (url: string): Required<TransactionKey> | undefined {
  if (!url.startsWith(PREFIX)) return undefined
  const slash = url.indexOf('/', PREFIX.length)
  if (slash === -1 || !url.startsWith(QUERY, slash)) return undefined
  const projectId = url.slice(PREFIX.length, slash)
  const transactionId = url.slice(slash + QUERY.length)
  if (!PROJECT_ID.test(projectId) || !PLAIN_TRANSACTION_ID.test(transactionId)) return undefined
  return { projectId, transactionId }
}
