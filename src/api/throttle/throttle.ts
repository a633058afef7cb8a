import type { Clock } from '../../store/clock.js'
import { POLICY_NAMES, type PolicyName, type RateLimits, type RatePolicy } from '../../schemas/rate-limits.js'
import type { CounterKey, CounterStore } from './counter.js'
import { hasPolicies, WINDOW_MS, type PolicySet } from './policies.js'

/** What throttling reads of a request. */
export interface ThrottleCall {
  projectId?: string
  /** The caller authentication named (the AK, or a hash of the token); uncounted by `user` when absent. */
  caller?: string
  /** The source address of the connection. */
  ip?: string
}

/** One policy's count for this request. */
export interface PolicyCount {
  policy: PolicyName
  rule: RatePolicy
  /** Calls left in the window after this one (0 when over). */
  remaining: number
}

export interface ThrottleVerdict {
  /** The first policy (api, user, ip) this call went over; absent when the call may proceed. */
  tripped?: { policy: PolicyName, rule: RatePolicy }
  counts: PolicyCount[]
}

/** Whose policies apply to a project, and the key prefix their counts live under. */
export function scopeOf (set: PolicySet, projectId: string | undefined): { scope: string, rules: RateLimits } {
  // Own keys only: a project id may be any name, `constructor` or `__proto__` included.
  return projectId !== undefined && Object.hasOwn(set.projects, projectId)
    ? { scope: projectId, rules: set.projects[projectId] }
    : { scope: '*', rules: set.global }
}

export const counterPrefix = (scope: string, policy: PolicyName): string => `${scope}|${policy}|`

function subjectOf (policy: PolicyName, call: ThrottleCall): string | undefined {
  switch (policy) {
    case 'api': return 'api'
    case 'user': return call.caller
    case 'ip': return call.ip
  }
}

/**
 * The throttling decision for one call: every policy in force counts it (a refused call and a
 * retry count too, as at the gateway), and the call is refused when any count went past its
 * limit. A pure function of the call, the policies, the stored counts and the clock.
 */
export function throttleCall (call: ThrottleCall, set: PolicySet, counters: CounterStore, now: number): ThrottleVerdict | undefined {
  const { scope, rules } = scopeOf(set, call.projectId)
  const charged: Array<{ policy: PolicyName, rule: RatePolicy }> = []
  const keys: CounterKey[] = []
  for (const policy of POLICY_NAMES) {
    const rule = rules[policy]
    if (rule === undefined) continue
    const subject = subjectOf(policy, call)
    if (subject === undefined) continue
    charged.push({ policy, rule })
    keys.push({ key: counterPrefix(scope, policy) + subject, windowMs: WINDOW_MS[rule.window] })
  }
  if (keys.length === 0) return undefined
  const after = counters.charge(keys, now)
  const verdict: ThrottleVerdict = { counts: [] }
  charged.forEach(({ policy, rule }, i) => {
    verdict.counts.push({ policy, rule, remaining: Math.max(0, rule.limit - after[i]) })
    if (after[i] > rule.limit && verdict.tripped === undefined) verdict.tripped = { policy, rule }
  })
  return verdict
}

export type Throttle = (call: ThrottleCall) => ThrottleVerdict | undefined

export interface ThrottleOptions {
  policies: () => PolicySet
  counters: CounterStore
  clock: Clock
}

/** Throttling as the request path calls it; undefined (and nothing counted) while no policy is set. */
export function createThrottle ({ policies, counters, clock }: ThrottleOptions): Throttle {
  // The settings store hands back the same object until the policies change: whether any policy is
  // set is worked out once per change, so a request without policies costs one comparison.
  let seen: PolicySet | undefined
  let any = false
  return (call) => {
    const set = policies()
    if (set !== seen) { seen = set; any = hasPolicies(set) }
    return any ? throttleCall(call, set, counters, clock.now()) : undefined
  }
}
