import type { RateLimits, RatePolicy, RateWindow } from '../../schemas/rate-limits.js'

export const WINDOW_MS: Record<RateWindow, number> = { '1 second': 1000, '1 minute': 60_000 }

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
