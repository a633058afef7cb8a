import type { AccessStagesBody, TransactionRecord, UserAccessStage } from '../schemas/access-stages.js'

const STAGE_KEYS = ['stage', 'duration', 'is_success', 'start_time', 'end_time', 'error_code', 'error_msg'] as const

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
