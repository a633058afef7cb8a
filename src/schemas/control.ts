import { Type, type Static } from '@sinclair/typebox'
import { AUTH_MODES } from './auth-mode.js'
import { stringEnum } from './string-enum.js'
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
export type Count = Static<typeof CountSchema>

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  uptime_s: Type.Number({ description: 'Seconds since start.' }),
  transactions: Type.Integer({ description: 'Stored transactions.' }),
  faults: Type.Integer({ description: 'Active fault rules.' }),
  auth: Type.Optional(stringEnum(AUTH_MODES, { description: 'The --auth mode of the emulated API.' }))
}, { additionalProperties: false })
export type Health = Static<typeof HealthSchema>

/**
 * Control-plane query strings are validated like bodies: a parameter not listed is refused (a
 * misspelt filter would otherwise widen a destructive call to everything), and so is a number out
 * of range. Every control route gets at least NoQuerySchema (see control/index.ts).
 */
const QUERY = { additionalProperties: false } as const
export const NoQuerySchema = Type.Object({}, QUERY)

/** The largest offset a page may start at: far past any store, well inside SQLite's 64-bit integers. */
export const MAX_OFFSET = 1_000_000_000

export const ListTransactionsQuerySchema = Type.Object({
  project_id: Type.Optional(ProjectIdSchema),
  search: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Records whose transaction_id or username contains this text (case-insensitive for ASCII).' })),
  biz_type: Type.Optional(BizTypeSchema),
  success: Type.Optional(Type.Boolean({ description: 'true: every stage succeeded; false: at least one stage failed.' })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
}, QUERY)
export const TransactionListSchema = Type.Object({
  transactions: Type.Array(TransactionRecordSchema, { description: 'Ordered by project_id, then transaction_id.' }),
  total: Type.Integer({ description: 'Matching records in all pages.' })
}, { additionalProperties: false })
export type TransactionList = Static<typeof TransactionListSchema>
/** The query of a page of records; limit and offset have defaults, so a client may leave them out. */
export type ListTransactionsQuery = Partial<Static<typeof ListTransactionsQuerySchema>>

export const ProjectListSchema = Type.Object({
  projects: Type.Array(Type.Object({ project_id: Type.String(), transactions: Type.Integer() }, { additionalProperties: false }), { description: 'Ordered by project_id.' })
}, { additionalProperties: false })

export const TransactionKeySchema = Type.Object({ project_id: ProjectIdSchema, transaction_id: TransactionIdSchema })
export const ProjectQuerySchema = Type.Object({ project_id: Type.Optional(ProjectIdSchema) }, QUERY)
export const RequiredProjectQuerySchema = Type.Object({ project_id: ProjectIdSchema }, QUERY)

export const ResetResultSchema = Type.Object({
  transactions: Type.Integer({ description: 'Records in the namespace after the reset.' }),
  faults: Type.Integer({ description: 'Fault rules after the reset.' })
}, { additionalProperties: false })
export type ResetResult = Static<typeof ResetResultSchema>

export const FaultListSchema = Type.Object({ faults: Type.Array(FaultRuleViewSchema) }, { additionalProperties: false })
export type FaultList = Static<typeof FaultListSchema>
export const FaultIdSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })

/** Journal entries per page: by default, and at most. */
export const JOURNAL_PAGE = 100
export const MAX_JOURNAL_PAGE = 1000

const JournalFilterProperties = {
  project_id: Type.Optional(ProjectIdSchema),
  transaction_id: Type.Optional(TransactionIdSchema),
  status: Type.Optional(Type.Integer({ minimum: 0, maximum: 599 }))
}
export const RequestsCountQuerySchema = Type.Object(JournalFilterProperties, QUERY)
export type RequestsCountQuery = Static<typeof RequestsCountQuerySchema>
export const RequestsQuerySchema = Type.Object({
  ...JournalFilterProperties,
  after_seq: Type.Optional(Type.Integer({
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    description: 'Cursor: entries with a larger seq, oldest first (0 starts at the oldest kept). Without it, the newest entries.'
  })),
  limit: Type.Integer({ minimum: 1, maximum: MAX_JOURNAL_PAGE, default: JOURNAL_PAGE, description: 'Entries per page.' })
}, QUERY)
export type RequestsQuery = Static<typeof RequestsQuerySchema>
export const RequestListSchema = Type.Object({
  requests: Type.Array(JournalEntrySchema, { description: 'Oldest first, newest last.' }),
  next_after_seq: Type.Integer({ description: 'The after_seq of the next page: the last seq of this one (or the cursor given, when the page is empty).' }),
  has_more: Type.Boolean({ description: 'Whether matching entries follow this page (with after_seq).' })
}, { additionalProperties: false })
/** The stream's filters: the journal's, without paging (a reconnecting client resumes by Last-Event-ID). */
export const RequestsStreamQuerySchema = Type.Object(JournalFilterProperties, QUERY)
export type RequestList = Static<typeof RequestListSchema>
