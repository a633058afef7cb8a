import type { IncomingMessage } from 'node:http'
import type { AuthVerdict } from '../auth/types.js'
import type { FaultDecision } from '../faults/select.js'
import type { ThrottleVerdict } from '../throttle/throttle.js'

/**
 * Decisions the fast path took for a request before handing it to Fastify. Taking them again
 * would count twice what must count once: a strict-auth failure towards a lockout, a fault rule's
 * `after`/`times`, a draw from the fault PRNG. `fault: null` means "decided: no fault".
 */
export interface PriorDecisions {
  auth: AuthVerdict
  /** `null`: decided, no policy applies. */
  throttle?: ThrottleVerdict | null
  fault?: FaultDecision | null
}

const PRIOR = Symbol('wks-emulator.prior')
type Carrier = IncomingMessage & { [PRIOR]?: PriorDecisions }

export function handOver (req: IncomingMessage, prior: PriorDecisions): false {
  (req as Carrier)[PRIOR] = prior
  return false
}

export const priorOf = (req: IncomingMessage): PriorDecisions | undefined => (req as Carrier)[PRIOR]
