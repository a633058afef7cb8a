import { Type, type Static } from '@sinclair/typebox'

/** No drawn latency exceeds this, whatever the distribution (the fault cap, 5 minutes). */
export const MAX_LATENCY_MS = 300_000

const cap = Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_LATENCY_MS, description: `Upper bound of a draw in ms (default ${MAX_LATENCY_MS}).` }))
const ms = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_LATENCY_MS, description })

/**
 * A latency distribution, drawn from the PRNG seeded by --seed (WireMock's and Hoverfly's kinds):
 * `fixed` always `ms`; `uniform` any whole ms in [min, max]; `lognormal` a log-normal with the
 * given median (ms) and sigma (the standard deviation of its logarithm), cut at `cap`.
 */
export const LatencySchema = Type.Union([
  Type.Object({ distribution: Type.Literal('fixed'), ms: ms('The delay.'), cap }, { additionalProperties: false }),
  Type.Object({ distribution: Type.Literal('uniform'), min: ms('Shortest delay.'), max: ms('Longest delay.'), cap }, { additionalProperties: false }),
  Type.Object({
    distribution: Type.Literal('lognormal'),
    median: Type.Number({ minimum: 0.001, maximum: MAX_LATENCY_MS, description: 'Median delay, ms.' }),
    sigma: Type.Number({ minimum: 0, maximum: 4, description: 'Spread: the standard deviation of ln(delay); 0.25 is tight, 1 is a long tail.' }),
    cap
  }, { additionalProperties: false })
], { title: 'Latency' })
export type Latency = Static<typeof LatencySchema>

/**
 * What the schema cannot say about a distribution, as `FIELD RULE` (undefined when there is
 * nothing): a uniform whose `max` is below its `min` is a typo, not a range.
 */
export const latencyProblem = (latency: Latency): string | undefined =>
  latency.distribution === 'uniform' && latency.min > latency.max ? `max must be >= min (${latency.min})` : undefined
