import type { Authenticator } from '../auth/types.js'
import { apiResponseHeaders, hostRefusal, NO_LISTED_HOSTS } from '../cors/decide.js'
import type { CorsPolicy } from '../cors/policy.js'
import type { FaultDecider, LatencyWait } from '../faults/decide.js'
import type { Throttle } from '../throttle/throttle.js'
import type { Call, Decisions } from './call.js'

/**
 * Takes, in order, the decisions of `taken` still undefined (CORS and the browser's Host, authentication, throttling, fault,
 * latency, as at the gateway: a refused call never reaches the backend), and stops at the first
 * that refuses the request (a refused request is not also faulted or delayed). It fills `taken` step by step, so a step
 * that throws (SQLITE_BUSY among workers) leaves the ones before it decided and itself undecided.
 */
export type Decide = (call: Call, taken: Decisions) => Decisions

export interface DecideSteps {
  /** `--cors`; undefined: off. */
  cors?: CorsPolicy
  /** Host names browsers are answered under besides localhost and IP literals; none when left out. */
  allowedHosts?: ReadonlySet<string>
  authenticate: Authenticator
  throttle: Throttle
  decideFault: FaultDecider
  latencyWait: LatencyWait
}

export function createDecide ({ cors, allowedHosts = NO_LISTED_HOSTS, authenticate, throttle, decideFault, latencyWait }: DecideSteps): Decide {
  return (call, taken) => {
    if (taken.cors === undefined) taken.cors = apiResponseHeaders(cors, call.headers.origin) ?? null
    if (taken.hostRefusal === undefined) taken.hostRefusal = hostRefusal(allowedHosts, call.headers) ?? null
    if (taken.hostRefusal !== null) return taken
    taken.auth ??= authenticate(call)
    if (!taken.auth.ok) return taken
    if (taken.throttle === undefined) taken.throttle = throttle({ projectId: call.key.projectId, caller: taken.auth.caller, ip: call.ip }) ?? null
    if (taken.throttle?.tripped !== undefined) return taken
    if (taken.fault === undefined) taken.fault = decideFault(call.key, call.headers) ?? null
    taken.latencyMs ??= latencyWait(call.headers)
    return taken
  }
}
