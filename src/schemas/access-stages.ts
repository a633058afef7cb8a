import { Type, type Static } from '@sinclair/typebox'
import { stringEnum } from './string-enum.js'

/** biz_type values the SDKs know (nodejs/Java 3.1.192+); older SDKs list only APP and DESKTOP. */
export const BIZ_TYPES = ['APP', 'DESKTOP', 'SHARE_APP', 'VDI'] as const
/** stage values the SDKs know (nodejs/Java 3.1.192+); older SDKs list only the first three. */
export const STAGES = ['LOGIN', 'PRECONNECT', 'CONNECT', 'MAIN_AUTH', 'MFA_AUTH', 'CLICK_ICON'] as const

// JSON numbers past 2^53 lose precision in every JS client, so int64 fields stop there.
const EPOCH_MS = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Epoch milliseconds (int64).' })

export const BizTypeSchema = stringEnum(BIZ_TYPES, {
  description: 'Access type: APP and SHARE_APP are applications, DESKTOP and VDI are desktops.'
})
export const StageNameSchema = stringEnum(STAGES, {
  description: 'Access phase.'
})

export const UserAccessStageSchema = Type.Object({
  stage: Type.Optional(StageNameSchema),
  duration: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'Time consumed, in milliseconds (int32).' })),
  is_success: Type.Optional(Type.Boolean({ description: 'Whether the access phase succeeded.' })),
  start_time: Type.Optional(EPOCH_MS),
  end_time: Type.Optional(EPOCH_MS),
  error_code: Type.Optional(Type.String({ maxLength: 64 })),
  error_msg: Type.Optional(Type.String({ maxLength: 1024 }))
}, { title: 'UserAccessStage', additionalProperties: false })
export type UserAccessStage = Static<typeof UserAccessStageSchema>

export const AccessStagesBodySchema = Type.Object({
  username: Type.Optional(Type.String({ maxLength: 256, description: 'Username.' })),
  biz_type: Type.Optional(BizTypeSchema),
  stages: Type.Optional(Type.Array(UserAccessStageSchema, { maxItems: 100 }))
}, { title: 'ShowUserAccessStagesResponse', additionalProperties: false })
export type AccessStagesBody = Static<typeof AccessStagesBodySchema>

export const PROJECT_ID_PATTERN = '^[0-9A-Za-z_-]{1,64}$'
export const ProjectIdSchema = Type.String({ minLength: 1, maxLength: 64, pattern: PROJECT_ID_PATTERN, description: 'Project ID.' })
export const TransactionIdSchema = Type.String({ minLength: 1, maxLength: 128, description: 'Transaction ID.' })

/** A stored record: the response body plus the key it is served under. */
export const TransactionRecordSchema = Type.Object({
  project_id: ProjectIdSchema,
  transaction_id: TransactionIdSchema,
  username: Type.Optional(AccessStagesBodySchema.properties.username),
  biz_type: Type.Optional(BizTypeSchema),
  stages: Type.Optional(AccessStagesBodySchema.properties.stages)
}, { title: 'TransactionRecord', additionalProperties: false })
export type TransactionRecord = Static<typeof TransactionRecordSchema>

export const AccessStagesParamsSchema = Type.Object({ project_id: ProjectIdSchema })
export const AccessStagesQuerySchema = Type.Object({ transaction_id: TransactionIdSchema })
