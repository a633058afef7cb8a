import { Type, type Static } from '@sinclair/typebox'
import { ProjectIdSchema, TransactionRecordSchema } from './access-stages.js'
import { FaultRuleSchema } from './faults.js'

export const STATE_VERSION = 1
/** Fault rules a database may hold (faults/store.ts MAX_FAULT_RULES). */
const MAX_RULES = 1000

/**
 * A snapshot of the emulator's state (`GET/PUT /_emulator/state`, `wks-emulator export/import`):
 * records and fault rules. Its `transactions` part is a fixtures file's, so the document itself
 * loads with `--fixtures`. Fault rules keep their ids and order; their counters are not state
 * (they start at 0 again), nor is the journal.
 */
export const StateDocumentSchema = Type.Object({
  version: Type.Literal(STATE_VERSION, { description: 'Format of the document.' }),
  project_id: Type.Optional(Type.String({ ...ProjectIdSchema, description: 'Present in the snapshot of one project: everything in it belongs to that project.' })),
  faults: Type.Array(FaultRuleSchema, { maxItems: MAX_RULES, description: 'Fault rules in the order they are tried; a project\'s snapshot holds the rules limited to it (match.project_id).' }),
  transactions: Type.Array(TransactionRecordSchema, { description: 'Records ordered by project_id, then transaction_id.' })
}, { title: 'StateDocument', additionalProperties: false })
export type StateDocument = Static<typeof StateDocumentSchema>

export const StateCountsSchema = Type.Object({
  transactions: Type.Integer({ description: 'Records in the namespace after the replacement.' }),
  faults: Type.Integer({ description: 'Fault rules in the namespace after the replacement.' })
}, { title: 'StateCounts', additionalProperties: false })
export type StateCounts = Static<typeof StateCountsSchema>
