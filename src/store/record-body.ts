import { AccessStagesBodySchema, type AccessStagesBody, type TransactionRecord, type UserAccessStage } from '../schemas/access-stages.js'
import { compileStrict } from '../schemas/validator.js'

const STAGE_KEYS = ['stage', 'duration', 'is_success', 'start_time', 'end_time', 'error_code', 'error_msg'] as const
const BODY_KEYS = ['username', 'biz_type', 'stages'] as const

const checkBody = compileStrict<AccessStagesBody>(AccessStagesBodySchema)

/**
 * The response body of a record as stored: fields in the documented order, absent ones omitted.
 * Serialised once on write, so a lookup sends stored bytes without parsing or re-serialising.
 */
export function bodyOf (record: TransactionRecord | AccessStagesBody): string {
  const body: AccessStagesBody = {}
  if (record.username !== undefined) body.username = record.username
  if (record.biz_type !== undefined) body.biz_type = record.biz_type
  if (record.stages !== undefined) body.stages = record.stages.map(orderStage)
  return JSON.stringify(body)
}

function orderStage (stage: UserAccessStage): UserAccessStage {
  const out: Record<string, unknown> = {}
  for (const key of STAGE_KEYS) if (stage[key] !== undefined) out[key] = stage[key]
  return out as UserAccessStage
}

/**
 * An upstream's body as it may be recorded: its stored text (bodyOf's, the form an upsert of the
 * same record stores, so export and PUT give it back byte for byte), or undefined when the body is
 * not a valid response body (drift, key fields, lone surrogates): what cannot be served back,
 * exported and put back exactly is not stored.
 */
export function recordableBody (text: string): string | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }
  return checkBody(body) ? bodyOf(body) : undefined
}

/**
 * The fields of a stored body that the record schema admits, in stored order. Bodies are valid
 * when written (upserts are checked, recordings too); a row an older build recorded with drift
 * (`"stages":"x"`, or `project_id` inside the body) shows its valid fields only, under the row's
 * own key, so no read or export of stored data fails and none moves a record to another key.
 */
export function servableFields (text: string): AccessStagesBody {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return {}
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {}
  if (checkBody(parsed)) return parsed
  const out: Record<string, unknown> = {}
  const fields = parsed as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    if ((BODY_KEYS as readonly string[]).includes(key) && checkBody({ [key]: fields[key] })) out[key] = fields[key]
  }
  return out
}
