import { ConfigError } from '../config-error.js'
import { POLICY_NAMES, type PolicyName, type RateLimits, type RatePolicy, type RateWindow } from '../schemas/rate-limits.js'

export const WINDOW_MS: Record<RateWindow, number> = { '1 second': 1000, '1 minute': 60_000 }

const UNITS: Record<string, RateWindow> = { s: '1 second', sec: '1 second', second: '1 second', min: '1 minute', m: '1 minute', minute: '1 minute' }
const ENTRY = /^(\w+)=(\d{1,10})\/(\w+)$/

/**
 * `--rate-limit 'api=200/s,user=10/s,ip=600/min'` (env WKS_EMULATOR_RATE_LIMIT) as policies; a
 * unit is `s`/`second` or `min`/`minute`. Anything else is a ConfigError naming the part at fault.
 */
export function parseRateLimitFlag (text: string): RateLimits {
  const policies: RateLimits = {}
  for (const raw of text.split(',')) {
    const part = raw.trim()
    const m = ENTRY.exec(part)
    if (!m) throw new ConfigError(`invalid --rate-limit ${JSON.stringify(part)}: expected POLICY=N/s or POLICY=N/min, e.g. user=10/s`)
    const [, name, limit, unit] = m
    if (!(POLICY_NAMES as readonly string[]).includes(name)) throw new ConfigError(`invalid --rate-limit ${JSON.stringify(part)}: the policy is one of ${POLICY_NAMES.join(', ')}`)
    const window = UNITS[unit]
    if (window === undefined) throw new ConfigError(`invalid --rate-limit ${JSON.stringify(part)}: the unit is s or min`)
    const n = Number(limit)
    if (n < 1 || n > 1_000_000_000) throw new ConfigError(`invalid --rate-limit ${JSON.stringify(part)}: the limit is from 1 to 1000000000`)
    if (policies[name as PolicyName] !== undefined) throw new ConfigError(`invalid --rate-limit ${JSON.stringify(text)}: policy ${name} is given twice`)
    policies[name as PolicyName] = { limit: n, window }
  }
  return policies
}

/** An `X-Apig-RateLimit-*` value, as the gateway's debug mode shows it: `remain:9,limit:10,time:1 second`. */
export const rateLimitHeaderValue = (remaining: number, { limit, window }: RatePolicy): string =>
  `remain:${remaining},limit:${limit},time:${window}`

/** The policies in force for one project: its own set when it has one (even an empty one), else the global set. */
export interface PolicySet {
  global: RateLimits
  projects: Record<string, RateLimits>
}

export const hasPolicies = (set: PolicySet): boolean =>
  Object.keys(set.global).length > 0 || Object.keys(set.projects).length > 0
