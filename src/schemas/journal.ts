import { Type, type Static } from '@sinclair/typebox'
import { stringEnum } from './string-enum.js'

export const OUTCOMES = ['ok', 'error', 'auth_failed', 'throttled', 'fault:error', 'fault:delay', 'fault:reset', 'fault:malformed', 'fault:hang', 'fault:dribble', 'proxied', 'recorded'] as const

export const AuthOutcomeSchema = Type.Object({
  scheme: stringEnum(['none', 'token', 'aksk']),
  principal: Type.Optional(Type.String({ description: 'The AK, or "token"; never a secret.' })),
  ok: Type.Boolean()
}, { additionalProperties: false })
/** What the journal records of a request's authentication; never a secret. */
export type AuthOutcome = Static<typeof AuthOutcomeSchema>

export const JournalEntrySchema = Type.Object({
  seq: Type.Integer({ description: 'Increases with every entry.' }),
  time: Type.String({ description: 'ISO 8601 time the request arrived.' }),
  request_id: Type.String(),
  method: Type.String(),
  path: Type.String({ description: 'Request path, without the query.' }),
  project_id: Type.Optional(Type.String()),
  transaction_id: Type.Optional(Type.String()),
  status: Type.Integer({ description: 'Status sent; 0 when the connection was reset or left hanging.' }),
  duration_ms: Type.Number(),
  auth: AuthOutcomeSchema,
  fault_id: Type.Optional(Type.String({ description: 'The fault rule that fired, or "prefer" for a Prefer header.' })),
  outcome: stringEnum(OUTCOMES)
}, { title: 'JournalEntry', additionalProperties: false })
export type JournalEntry = Static<typeof JournalEntrySchema>
export type JournalDraft = Omit<JournalEntry, 'seq'>
/** What the request path hands the journal: the arrival time as epoch ms, made ISO text only when read. */
export type JournalRecord = Omit<JournalDraft, 'time'> & { at: number }

/** The entry as the control plane shows it. */
export function entryOf (seq: number, { at, ...rest }: JournalRecord): JournalEntry {
  return { seq, time: new Date(at).toISOString(), ...rest }
}
