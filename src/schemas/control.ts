import { Type, type Static } from '@sinclair/typebox'
import { BizTypeSchema, ProjectIdSchema, TransactionIdSchema, TransactionRecordSchema } from './access-stages.js'
import { FaultRuleViewSchema } from './faults.js'
import { JournalEntrySchema } from './journal.js'

export const MAX_UPSERT_RECORDS = 10_000

export const TransactionBatchSchema = Type.Object({
  transactions: Type.Array(TransactionRecordSchema, { minItems: 1, maxItems: MAX_UPSERT_RECORDS })
}, { title: 'TransactionBatch', additionalProperties: false })
export type TransactionBatch = Static<typeof TransactionBatchSchema>

export const UpsertBodySchema = Type.Union([TransactionRecordSchema, TransactionBatchSchema], {
  description: `One record, or {"transactions": [...]} with up to ${MAX_UPSERT_RECORDS}; all are stored or none.`
})

export const CountSchema = Type.Object({ count: Type.Integer() }, { additionalProperties: false })

export const ListTransactionsQuerySchema = Type.Object({
  project_id: Type.Optional(ProjectIdSchema),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Records whose transaction_id or username contains this text (case-insensitive for ASCII).' })),
  biz_type: Type.Optional(BizTypeSchema),
  success: Type.Optional(Type.Boolean({ description: 'true: every stage succeeded; false: at least one stage failed.' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 })
})
export const TransactionListSchema = Type.Object({
  transactions: Type.Array(TransactionRecordSchema, { description: 'Ordered by project_id, then transaction_id.' }),
  total: Type.Integer({ description: 'Matching records in all pages.' })
}, { additionalProperties: false })

export const ProjectListSchema = Type.Object({
  projects: Type.Array(Type.Object({ project_id: Type.String(), transactions: Type.Integer() }, { additionalProperties: false }), { description: 'Ordered by project_id.' })
}, { additionalProperties: false })

export const TransactionKeySchema = Type.Object({ project_id: ProjectIdSchema, transaction_id: TransactionIdSchema })
export const ProjectQuerySchema = Type.Object({ project_id: Type.Optional(ProjectIdSchema) })
export const RequiredProjectQuerySchema = Type.Object({ project_id: ProjectIdSchema })

export const ResetResultSchema = Type.Object({
  transactions: Type.Integer({ description: 'Records in the namespace after the reset.' }),
  faults: Type.Integer({ description: 'Fault rules after the reset.' })
}, { additionalProperties: false })

export const FaultListSchema = Type.Object({ faults: Type.Array(FaultRuleViewSchema) }, { additionalProperties: false })
export const FaultIdSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

export const RequestsQuerySchema = Type.Object({
  project_id: Type.Optional(ProjectIdSchema),
  transaction_id: Type.Optional(TransactionIdSchema),
  status: Type.Optional(Type.Integer({ minimum: 0, maximum: 599 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'The newest N matching entries.' }))
})
export type RequestsQuery = Static<typeof RequestsQuerySchema>
export const RequestsStreamQuerySchema = Type.Omit(RequestsQuerySchema, ['limit'])
export const RequestListSchema = Type.Object({ requests: Type.Array(JournalEntrySchema, { description: 'Oldest first, newest last.' }) }, { additionalProperties: false })
