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

export const DriftReportSchema = Type.Object({
  kinds: Type.Array(DriftKindSchema, { description: 'In the order first seen.' })
}, { title: 'DriftReport', additionalProperties: false })
export type DriftReport = Static<typeof DriftReportSchema>
