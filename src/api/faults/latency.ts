import { rngFromText, type Rng } from '../../runtime/random.js'
import { MAX_LATENCY_MS, type Latency } from '../../schemas/latency.js'

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
