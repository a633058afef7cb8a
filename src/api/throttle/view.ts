import { POLICY_NAMES, type RateLimits, type RateLimitsView } from '../../schemas/rate-limits.js'
import type { CounterStore } from './counter.js'
import { rateLimitHeaderValue, WINDOW_MS } from './policies.js'
import { counterPrefix, type ThrottleVerdict } from './throttle.js'

/** One scope's policies with the live counts of the window holding `now`. */
export function policiesView (rules: RateLimits, scope: string, counters: CounterStore, now: number): RateLimitsView {
  const view: RateLimitsView = {}
  for (const policy of POLICY_NAMES) {
    const rule = rules[policy]
    if (rule === undefined) continue
    const prefix = counterPrefix(scope, policy)
    const counted = counters.peek(prefix, WINDOW_MS[rule.window], now)
    const remaining = (count: number): number => Math.max(0, rule.limit - count)
    view[policy] = policy === 'api'
      ? { ...rule, remaining: remaining(counted[0]?.count ?? 0) }
      : { ...rule, callers: counted.map(({ key, count }) => ({ caller: key.slice(prefix.length), remaining: remaining(count) })).sort((a, b) => a.caller < b.caller ? -1 : 1) }
  }
  return view
}

/**
 * The headers (lower case, the form Node writes) the gateway adds in debug mode (`X-Apig-Mode: debug`, APIG user guide "Response
 * Headers"): one `X-Apig-RateLimit-<policy>` per policy in force, and `-api-allenv`, the API's
 * default limit, which here is the `api` policy when one is set.
 */
export function rateLimitHeaders (verdict: ThrottleVerdict | undefined): Array<[string, string]> {
  if (verdict === undefined) return []
  const headers: Array<[string, string]> = []
  for (const { policy, rule, remaining } of verdict.counts) {
    headers.push([`x-apig-ratelimit-${policy}`, rateLimitHeaderValue(remaining, rule)])
    if (policy === 'api') headers.push(['x-apig-ratelimit-api-allenv', rateLimitHeaderValue(remaining, rule)])
  }
  return headers
}

/**
 * Whether a request asked for the gateway's debug headers: `X-Apig-Mode: debug` in any case. A
 * header sent twice reaches us joined by commas (RFC 9110 §5.3), so each listed value is read.
 */
export const wantsDebug = (value: string | string[] | undefined): boolean =>
  value !== undefined && [value].flat().join(',').split(',').some((mode) => mode.trim().toLowerCase() === 'debug')
