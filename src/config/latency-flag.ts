import { Value } from '@sinclair/typebox/value'
import { ConfigError } from './error.js'
import { LatencySchema, latencyProblem, type Latency } from '../schemas/latency.js'

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
