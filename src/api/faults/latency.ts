import { Value } from '@sinclair/typebox/value'
import { ConfigError } from '../../config/error.js'
import { rngFromText, type Rng } from '../../runtime/random.js'
import { LatencySchema, MAX_LATENCY_MS, type Latency } from '../../schemas/latency.js'

/**
 * One delay in whole ms drawn from `latency` with `rng`: a pure function of the two, so the same
 * seed and the same sequence of requests give the same delays. `fixed` draws nothing.
 */
export function drawLatency (latency: Latency, rng: Rng): number {
  let ms: number
  switch (latency.distribution) {
    case 'fixed': ms = latency.ms; break
    case 'uniform': ms = latency.min + Math.floor(rng() * (latency.max - latency.min + 1)); break
    case 'lognormal': ms = latency.median * Math.exp(latency.sigma * standardNormal(rng)); break
  }
  return Math.min(Math.round(ms), latency.cap ?? MAX_LATENCY_MS, MAX_LATENCY_MS)
}

/**
 * The PRNG latency draws come from for `--seed`: a stream of its own, so that setting --latency
 * does not change which fault rules fire.
 */
export const latencyRngFor = (seed: number): Rng => rngFromText(`latency:${seed}`)

/** A standard normal deviate from two uniform draws (Box–Muller). */
function standardNormal (rng: Rng): number {
  const u = 1 - rng() // (0, 1]: the logarithm stays finite
  const v = rng()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}

/**
 * What the schema cannot say about a distribution, as `FIELD RULE` (undefined when there is
 * nothing): a uniform whose `max` is below its `min` is a typo, not a range.
 */
export const latencyProblem = (latency: Latency): string | undefined =>
  latency.distribution === 'uniform' && latency.min > latency.max ? `max must be >= min (${latency.min})` : undefined

const PARAM = /^([a-z]+)=(\d+(?:\.\d+)?)$/

/**
 * `--latency` (env WKS_EMULATOR_LATENCY): `fixed:ms=40`, `uniform:min=20,max=80`,
 * `lognormal:median=50,sigma=0.5,cap=2000`, or the same as a JSON object. A ConfigError names
 * `source`, the flag or variable the text came from.
 */
export function parseLatencyFlag (text: string, source = '--latency'): Latency {
  const fail = (rule: string): never => { throw new ConfigError(`invalid ${source} ${JSON.stringify(text)}: ${rule}`) }
  let value: unknown
  if (text.trim().startsWith('{')) {
    try { value = JSON.parse(text) } catch { fail('not valid JSON') }
  } else {
    const [name, params = ''] = text.split(':', 2)
    const numbers = new Map<string, number>()
    for (const part of params.split(',').filter((p) => p.trim() !== '')) {
      const m = PARAM.exec(part.trim())
      if (!m) fail(`${JSON.stringify(part)} is not NAME=NUMBER`)
      if (numbers.has(m![1])) fail(`${m![1]} is given twice`)
      numbers.set(m![1], Number(m![2]))
    }
    value = { ...Object.fromEntries(numbers), distribution: name.trim() }
  }
  if (!Value.Check(LatencySchema, value)) {
    fail('expected fixed:ms=N, uniform:min=N,max=N or lognormal:median=N,sigma=S (each with an optional cap=N, ms up to 300000; sigma up to 4)')
  }
  const problem = latencyProblem(value as Latency)
  if (problem !== undefined) fail(problem)
  return value as Latency
}
