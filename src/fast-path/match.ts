import type { TransactionKey } from '../plugins/transaction-key.js'

const PREFIX = '/v2/'
const REST = '/statistics/metrics/access-stages?transaction_id='
// The project_id pattern of the schema; a value outside it goes to Fastify for its 400.
const PROJECT_ID = /^[0-9A-Za-z_-]{1,64}$/
// Characters that percent-decoding, `+`-decoding and query splitting all leave alone, within the
// schema's length: for these the raw text is the parsed value.
const PLAIN_TRANSACTION_ID = /^[0-9A-Za-z._~-]{1,128}$/

/**
 * The key of `GET /v2/{project_id}/statistics/metrics/access-stages?transaction_id={id}` when the
 * request target is in its plain form, with nothing to decode and nothing for validation to
 * refuse; undefined for anything else, which Fastify's router, parsers and schemas then handle.
 */
export function plainLookupKey (url: string): Required<TransactionKey> | undefined {
  if (!url.startsWith(PREFIX)) return undefined
  const slash = url.indexOf('/', PREFIX.length)
  if (slash === -1 || !url.startsWith(REST, slash)) return undefined
  const projectId = url.slice(PREFIX.length, slash)
  const transactionId = url.slice(slash + REST.length)
  if (!PROJECT_ID.test(projectId) || !PLAIN_TRANSACTION_ID.test(transactionId)) return undefined
  return { projectId, transactionId }
}
