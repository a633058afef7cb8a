import type { Authenticator } from '../auth/types.js'
import { apiResponseHeaders } from '../cors/decide.js'
import type { CorsPolicy } from '../cors/policy.js'
import type { FaultDecider } from '../faults/decider.js'
import type { Call, Decisions } from './call.js'

/**
 * Takes, in order, the decisions of `taken` still undefined, and stops at the first that refuses
 * the request (a refused request is not also faulted). It fills `taken` step by step, so a step
 * that throws (SQLITE_BUSY among workers) leaves the ones before it decided and itself undecided.
 */
export type Decide = (call: Call, taken: Decisions) => Decisions

export interface DecideSteps {
  /** `--cors`; undefined: off. */
  cors?: CorsPolicy
  authenticate: Authenticator
  decideFault: FaultDecider
}

export function createDecide ({ cors, authenticate, decideFault }: DecideSteps): Decide {
  return (call, taken) => {
    if (taken.cors === undefined) taken.cors = apiResponseHeaders(cors, call.headers.origin) ?? null
    taken.auth ??= authenticate(call)
    if (!taken.auth.ok) return taken
    if (taken.fault === undefined) taken.fault = decideFault(call.key, call.headers) ?? null
    return taken
  }
}
