import { ConfigError } from './error.js'
import { POLICY_NAMES, type PolicyName, type RateLimits, type RateWindow } from '../schemas/rate-limits.js'

const UNITS: Record<string, RateWindow> = { s: '1 second', sec: '1 second', second: '1 second', min: '1 minute', m: '1 minute', minute: '1 minute' }
const ENTRY = /^(\w+)=(\d+)\/(\w+)$/
const MAX_LIMIT = 1_000_000_000

/**
 * `--rate-limit 'api=200/s,user=10/s,ip=600/min'` (env WKS_EMULATOR_RATE_LIMIT) as policies; a
 * unit is `s`/`sec`/`second` or `min`/`m`/`minute`. Anything else is a ConfigError naming the part
 * at fault and `source`, the flag or variable the text came from.
 */
export function parseRateLimitFlag (text: string, source = '--rate-limit'): RateLimits {
  const fail = (shown: string, rule: string): never => { throw new ConfigError(`invalid ${source} ${JSON.stringify(shown)}: ${rule}`) }
  const policies: RateLimits = {}
  for (const raw of text.split(',')) {
    const part = raw.trim()
    if (part === '') fail(text, 'an empty entry (a comma too many?)')
    const m = ENTRY.exec(part) ?? fail(part, 'expected POLICY=N/s or POLICY=N/min, e.g. user=10/s')
    const [, name, limit, unit] = m
    if (!(POLICY_NAMES as readonly string[]).includes(name)) fail(part, `the policy is one of ${POLICY_NAMES.join(', ')}`)
    const window = UNITS[unit] ?? fail(part, 'the unit is s (sec, second) or min (m, minute)')
    const n = Number(limit)
    if (n < 1 || n > MAX_LIMIT) fail(part, `the limit is from 1 to ${MAX_LIMIT}`)
    if (policies[name as PolicyName] !== undefined) fail(text, `policy ${name} is given twice`)
    policies[name as PolicyName] = { limit: n, window }
  }
  return policies
}
