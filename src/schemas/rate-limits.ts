import { Type, type Static } from '@sinclair/typebox'
import { ProjectIdSchema } from './access-stages.js'
import { stringEnum } from './string-enum.js'

/**
 * The gateway's throttling policies (APIG "request throttling"): an API total, a per-user and a
 * per-source-IP limit, each over a fixed window. The per-app limit is not modelled: nothing in an
 * IAM-authenticated call (token or AK/SK) names an app.
 */
export const POLICY_NAMES = ['api', 'user', 'ip'] as const
export type PolicyName = typeof POLICY_NAMES[number]
export const RATE_WINDOWS = ['1 second', '1 minute'] as const
export type RateWindow = typeof RATE_WINDOWS[number]

const ratePolicy = (description?: string) => Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Calls allowed per window.' }),
  window: stringEnum(RATE_WINDOWS, { description: 'Fixed window, aligned to the epoch (second or minute boundaries).' })
}, { additionalProperties: false, description })
export const RatePolicySchema = ratePolicy()
export type RatePolicy = Static<typeof RatePolicySchema>

export const RateLimitsSchema = Type.Object({
  api: Type.Optional(ratePolicy('All callers of the API together.')),
  user: Type.Optional(ratePolicy('Per user: the AK of an AK/SK signature, or the X-Auth-Token.')),
  ip: Type.Optional(ratePolicy('Per source IP address.'))
}, { title: 'RateLimits', additionalProperties: false })
export type RateLimits = Static<typeof RateLimitsSchema>

const CallerSchema = Type.Object({
  caller: Type.String({ description: '"ak:" and the AK, "token:" and a hash of the token, or the IP address.' }),
  remaining: Type.Integer()
}, { additionalProperties: false })

export const RatePolicyViewSchema = Type.Object({
  limit: Type.Integer(),
  window: stringEnum(RATE_WINDOWS),
  remaining: Type.Optional(Type.Integer({ description: 'api: calls left in the current window.' })),
  callers: Type.Optional(Type.Array(CallerSchema, { description: 'user, ip: the callers counted in the current window, at most 100 (none for the projects of the view without project_id).' })),
  callers_total: Type.Optional(Type.Integer({ description: 'user, ip: how many callers were counted, when more than are listed.' }))
}, { additionalProperties: false })

export const RateLimitsViewSchema = Type.Object({
  api: Type.Optional(RatePolicyViewSchema),
  user: Type.Optional(RatePolicyViewSchema),
  ip: Type.Optional(RatePolicyViewSchema)
}, { additionalProperties: false })
export type RateLimitsView = Static<typeof RateLimitsViewSchema>

export const RateLimitsStateSchema = Type.Object({
  project_id: Type.Optional(ProjectIdSchema),
  source: stringEnum(['global', 'project'], { description: 'Whose policies apply: the project\'s own, or the global ones.' }),
  policies: RateLimitsViewSchema,
  projects: Type.Optional(Type.Record(Type.String(), RateLimitsViewSchema, { description: 'Without project_id: each project\'s own policies.' }))
}, { title: 'RateLimitsState', additionalProperties: false })
export type RateLimitsState = Static<typeof RateLimitsStateSchema>

export const RateLimitsQuerySchema = Type.Object({
  project_id: Type.Optional(ProjectIdSchema),
  counts: Type.Optional(Type.Boolean({ default: true, description: 'false: the policies only, without reading a counter (what the dashboard polls).' }))
}, { additionalProperties: false })
