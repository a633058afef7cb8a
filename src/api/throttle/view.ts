import { POLICY_NAMES, type RateLimits, type RateLimitsView } from '../../schemas/rate-limits.js'
import type { CounterStore } from './counter.js'
import { rateLimitHeaderValue, WINDOW_MS } from './policies.js'
import { counterPrefix, type ThrottleVerdict } from './throttle.js'

/** Callers listed per policy in a view; `callers_total` says how many were counted. */
export const CALLERS_SHOWN = 100

/**
 * Views of scopes' policies with the live counts of the window holding `now`, read from the
 * counters in one pass for all of them: a read costs the scopes and callers it shows (at most
 * CALLERS_SHOWN a policy), not a walk of every caller key for every scope.
 */
export function policiesViews (scopes: ReadonlyArray<{ rules: RateLimits, scope: string, shown?: number }>, counters: CounterStore, now: number, counts = true): RateLimitsView[] {
  const queries: Array<{ prefix: string, windowMs: number, shown: number }> = []
  for (const { rules, scope, shown = CALLERS_SHOWN } of scopes) {
    for (const policy of POLICY_NAMES) {
      const rule = rules[policy]
      if (rule !== undefined) queries.push({ prefix: counterPrefix(scope, policy), windowMs: WINDOW_MS[rule.window], shown: policy === 'api' ? 1 : shown })
    }
  }
  // Without counts nothing is read: the policies alone cost what they list.
  if (!counts) return scopes.map(({ rules }) => ({ ...rules }))
  const answers = counters.peekMany(queries, now)
  let next = 0
  return scopes.map(({ rules }) => {
    const view: RateLimitsView = {}
    for (const policy of POLICY_NAMES) {
      const rule = rules[policy]
      if (rule === undefined) continue
      const { prefix } = queries[next]
      const { counted, total } = answers[next++]
      const remaining = (count: number): number => Math.max(0, rule.limit - count)
      if (policy === 'api') view[policy] = { ...rule, remaining: remaining(counted[0]?.count ?? 0) }
      else {
        const callers = counted.map(({ key, count }) => ({ caller: key.slice(prefix.length), remaining: remaining(count) })).sort((a, b) => a.caller < b.caller ? -1 : 1)
        view[policy] = total > callers.length ? { ...rule, callers, callers_total: total } : { ...rule, callers }
      }
    }
    return view
  })
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
