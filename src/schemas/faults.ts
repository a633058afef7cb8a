import { Type, type Static } from '@sinclair/typebox'
import { ProjectIdSchema, TransactionIdSchema } from './access-stages.js'
import { LatencySchema } from './latency.js'
import { stringEnum } from './string-enum.js'

export const FAULT_KINDS = ['error', 'delay', 'reset', 'malformed', 'hang', 'dribble'] as const
export type FaultKind = typeof FAULT_KINDS[number]
/** No fault keeps a connection longer than this, whatever a rule asks. */
export const MAX_FAULT_MS = 300_000
/** A dribble rule that names no `chunks` or `over_ms` sends its body in this many pieces, over this many ms. */
export const DRIBBLE_CHUNKS = 5
export const DRIBBLE_MS = 1000

export const FaultMatchSchema = Type.Object({
  project_id: Type.Optional(ProjectIdSchema),
  transaction_id: Type.Optional(TransactionIdSchema),
  header: Type.Optional(Type.Object({
    name: Type.String({ minLength: 1, maxLength: 256, pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", description: 'Header name (an RFC 9110 §5.1 token: no request could carry anything else), case-insensitive.' }),
    value: Type.String({ maxLength: 4096, description: 'Exact header value.' })
  }, { additionalProperties: false }))
}, { additionalProperties: false, description: 'All given fields must match; an empty match matches every request.' })

export const FaultActionSchema = Type.Object({
  kind: Type.Optional(stringEnum(FAULT_KINDS, {
    description: 'error: answer status and body; delay: wait, then answer normally; reset: destroy the connection; ' +
      'malformed: a 200 whose JSON is cut short; hang: send nothing until the client goes away (at most 5 minutes); ' +
      'dribble: send the 200 body in `chunks` pieces over `over_ms`. ' +
      'Default: error when status is given or neither delay_ms nor latency is, else delay.'
  })),
  status: Type.Optional(Type.Integer({ minimum: 400, maximum: 599, description: 'For kind error (default 500).' })),
  error_code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Default: the catalogue code for the status.' })),
  error_msg: Type.Optional(Type.String({ maxLength: 1024, description: 'Default: the catalogue message for the status.' })),
  delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_MS, description: 'Wait before acting (any kind).' })),
  jitter_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_MS, description: 'Extra random wait in [0, jitter_ms), from the seeded PRNG.' })),
  latency: Type.Optional(LatencySchema),
  chunks: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: `For kind dribble: pieces the body is sent in (default ${DRIBBLE_CHUNKS}).` })),
  over_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_FAULT_MS, description: `For kind dribble: time from the first piece to the last (default ${DRIBBLE_MS}); cut so that the wait before it and the dribble end within ${MAX_FAULT_MS} ms.` }))
}, { additionalProperties: false })

export const FaultRuleSchema = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$', description: 'Default: fault-<n>.' })),
  match: Type.Optional(FaultMatchSchema),
  action: FaultActionSchema,
  probability: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Chance a match fires (default 1), from the PRNG seeded by --seed.' })),
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Let the first N matches pass.' })),
  times: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Fire N times, then the rule is spent.' }))
}, { title: 'FaultRule', additionalProperties: false })
export type FaultRule = Static<typeof FaultRuleSchema>
export type FaultAction = Static<typeof FaultActionSchema>

export const FaultRuleViewSchema = Type.Composite([
  Type.Omit(FaultRuleSchema, ['id']),
  Type.Object({
    id: Type.String(),
    matched: Type.Integer({ description: 'Requests that matched so far.' }),
    fired: Type.Integer({ description: 'Times the rule fired so far.' }),
    spent: Type.Boolean({ description: 'True once fired reached times.' })
  })
], { title: 'FaultRuleView', additionalProperties: false })
export type FaultRuleView = Static<typeof FaultRuleViewSchema>

export const FaultRuleFileSchema = Type.Union([
  Type.Object({ faults: Type.Array(FaultRuleSchema, { maxItems: 1000 }) }, { additionalProperties: false }),
  Type.Array(FaultRuleSchema, { maxItems: 1000 })
])
