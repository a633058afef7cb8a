import { Type, type Static } from '@sinclair/typebox'
import { stringEnum } from './string-enum.js'

/** What became of a call forwarded to the upstream (`--unknown-transaction proxy`), for metrics. */
export const UPSTREAM_RESULTS = ['proxied', 'recorded', 'unreachable', 'timeout', 'too_large', 'bad_answer'] as const
export type UpstreamResultName = typeof UPSTREAM_RESULTS[number]

/**
 * How an upstream body departed from the emulator's response schema. `out_of_range` covers the
 * schema's bounds (an int32 past 2^31, a string past its length), which are not the four kinds
 * the contract names but are drift all the same.
 */
export const DRIFT_KINDS = ['unknown_field', 'missing_required', 'new_enum_value', 'type_change', 'out_of_range'] as const
export type DriftKindName = typeof DRIFT_KINDS[number]

export const DriftKindSchema = Type.Object({
  path: Type.String({ description: 'Field path, arrays as []: stages[].duration; (body) for the body itself.' }),
  kind: stringEnum(DRIFT_KINDS),
  example: Type.Unknown({ description: 'The first offending value seen (null for a missing field).' }),
  first_seen: Type.String({ description: 'ISO 8601 time of the first body showing it.' }),
  count: Type.Integer({ description: 'Upstream bodies showing it.' })
}, { title: 'DriftKind', additionalProperties: false })
export type DriftKind = Static<typeof DriftKindSchema>

/** Drift kinds kept in memory at most; a new one past this is counted in `dropped`, not kept. */
export const MAX_DRIFT_KINDS = 1000

export const DriftReportSchema = Type.Object({
  kinds: Type.Array(DriftKindSchema, { description: 'This page of the kinds kept, in the order first seen.' }),
  total: Type.Integer({ description: `Kinds kept in all pages (at most ${MAX_DRIFT_KINDS}).` }),
  dropped: Type.Integer({ description: `Findings of new kinds not kept because ${MAX_DRIFT_KINDS} were already kept, since start or the last clear.` })
}, { title: 'DriftReport', additionalProperties: false })
export type DriftReport = Static<typeof DriftReportSchema>

export const DriftQuerySchema = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: MAX_DRIFT_KINDS, default: MAX_DRIFT_KINDS, description: 'Kinds per page; the default is every kind kept.' }),
  offset: Type.Integer({ minimum: 0, maximum: MAX_DRIFT_KINDS, default: 0 })
}, { additionalProperties: false })
/** A page of drift; limit and offset have defaults, so a client may leave them out. */
export type DriftQuery = Partial<Static<typeof DriftQuerySchema>>
