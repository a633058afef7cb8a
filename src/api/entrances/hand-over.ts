import type { IncomingMessage } from 'node:http'
import type { Call, Decisions } from '../pipeline/call.js'

/**
 * A request the fast path passes on to Fastify, with what it decided. Taking a decision again
 * would count twice what must count once: a strict-auth failure towards a lockout, a fault rule's
 * `after`/`times`, a draw from the fault PRNG. The request keeps its id too.
 */
export interface HandOver {
  call: Call
  decisions: Decisions
}

const HANDED_OVER = Symbol('wks-emulator.handed-over')
type Carrier = IncomingMessage & { [HANDED_OVER]?: HandOver }

/** Leaves the request to Fastify with `decisions`; returns false, the fast path's "not answered". */
export function handOver (req: IncomingMessage, call: Call, decisions: Decisions): false {
  (req as Carrier)[HANDED_OVER] = { call, decisions }
  return false
}

export const handedOver = (req: IncomingMessage): HandOver | undefined => (req as Carrier)[HANDED_OVER]
