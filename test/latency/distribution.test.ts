import t from 'tap'
import { drawLatency } from '../../src/api/faults/latency.js'
import { parseLatencyFlag } from '../../src/config/latency-flag.js'
import { dribbleSpan, dribbleStream, sliceBody } from '../../src/api/faults/dribble.js'
import { rngFromSeed } from '../../src/runtime/random.js'
import type { Latency } from '../../src/schemas/latency.js'
import { ConfigError } from '../../src/config/config.js'

const draws = (latency: Latency, seed: number, n: number): number[] => {
  const rng = rngFromSeed(seed)
  return Array.from({ length: n }, () => drawLatency(latency, rng))
}
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
const quantile = (xs: number[], q: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(q * (s.length - 1))] }

t.test('the same seed gives the same delays; another seed others', async (t) => {
  const spec: Latency = { distribution: 'lognormal', median: 80, sigma: 0.5 }
  t.same(draws(spec, 7, 50), draws(spec, 7, 50))
  t.notSame(draws(spec, 7, 50), draws(spec, 8, 50))
})

t.test('fixed draws nothing and is capped', async (t) => {
  const rng = rngFromSeed(1)
  const before = rngFromSeed(1)()
  t.equal(drawLatency({ distribution: 'fixed', ms: 40 }, rng), 40)
  t.equal(rng(), before, 'the PRNG sequence is untouched')
  t.equal(drawLatency({ distribution: 'fixed', ms: 40, cap: 10 }, rng), 10)
})

t.test('uniform stays in [min, max] and spreads over it', async (t) => {
  const xs = draws({ distribution: 'uniform', min: 20, max: 80 }, 3, 5000)
  t.ok(xs.every((x) => x >= 20 && x <= 80 && Number.isInteger(x)))
  t.ok(Math.abs(median(xs) - 50) <= 3, `median ${median(xs)} near 50`)
  t.ok(xs.includes(20) && xs.includes(80), 'both ends are reached')
})

t.test('lognormal: median and spread as asked, cap respected', async (t) => {
  const xs = draws({ distribution: 'lognormal', median: 100, sigma: 0.5 }, 11, 20000)
  t.ok(Math.abs(median(xs) - 100) <= 5, `median ${median(xs)} near 100`)
  // ln(x) is normal with sd sigma: the 84th percentile sits at median·e^sigma ≈ 164.9.
  const p84 = quantile(xs, 0.8413)
  t.ok(p84 > 150 && p84 < 180, `84th percentile ${p84} near 165`)
  const capped = draws({ distribution: 'lognormal', median: 100, sigma: 2, cap: 300 }, 11, 5000)
  t.equal(Math.max(...capped), 300, 'the long tail is cut at the cap')
  t.ok(draws({ distribution: 'lognormal', median: 100, sigma: 0 }, 1, 10).every((x) => x === 100), 'sigma 0 is a fixed delay')
})

t.test('the flag', async (t) => {
  t.same(parseLatencyFlag('fixed:ms=40'), { distribution: 'fixed', ms: 40 })
  t.same(parseLatencyFlag('uniform:min=20,max=80'), { distribution: 'uniform', min: 20, max: 80 })
  t.same(parseLatencyFlag('lognormal:median=50,sigma=0.5,cap=2000'), { distribution: 'lognormal', median: 50, sigma: 0.5, cap: 2000 })
  t.same(parseLatencyFlag('{"distribution":"uniform","min":1,"max":2}'), { distribution: 'uniform', min: 1, max: 2 })
  t.throws(() => parseLatencyFlag('uniform:min=80,max=20'), new ConfigError('invalid --latency "uniform:min=80,max=20": max must be >= min (80)'))
  t.same(parseLatencyFlag('uniform:min=20,max=20'), { distribution: 'uniform', min: 20, max: 20 }, 'a range of one value is fine')
  t.throws(() => parseLatencyFlag('uniform:min=1,max=2,min=3'), new ConfigError('invalid --latency "uniform:min=1,max=2,min=3": min is given twice'))
  for (const bad of ['gamma:k=1', 'fixed', 'fixed:ms=-1', 'fixed:ms=400000', 'lognormal:median=50', 'uniform:min=1,max=2,extra=3', '{nope', 'fixed:ms']) {
    t.ok(threw(() => parseLatencyFlag(bad)) instanceof ConfigError, `${bad} is a ConfigError`)
  }
})

t.test('dribble: the body in N slices, the last after T ms', async (t) => {
  t.equal(dribbleSpan(1000, 400), 1000, 'a short dribble after a short wait: as asked')
  t.equal(dribbleSpan(300_000, 200_000), 100_000, 'wait and dribble together end within the 5 minutes any fault may take')
  t.equal(dribbleSpan(5000, 300_000), 0, 'after a wait of the whole 5 minutes, the body comes at once')
  t.same(sliceBody(Buffer.from('abcdefghij'), 3).map(String), ['abc', 'def', 'ghij'])
  t.same(sliceBody(Buffer.from('ab'), 5).map(String), ['a', 'b'], 'never more slices than bytes')
  const started = performance.now()
  const arrivals: Array<[string, number]> = []
  for await (const chunk of dribbleStream('0123456789ab', 4, 150)) arrivals.push([String(chunk), performance.now() - started])
  t.same(arrivals.map(([c]) => c), ['012', '345', '678', '9ab'])
  t.ok(arrivals[3][1] >= 140, `last slice after ~150 ms (${arrivals[3][1].toFixed(0)})`)
  const stopped = dribbleStream('0123456789', 5, 10_000)
  stopped.destroy()
  t.ok(stopped.destroyed, 'destroying it stops the timers (the test would otherwise wait 10 s)')
})

function threw (fn: () => unknown): unknown {
  try { fn() } catch (err) { return err }
  return undefined
}
