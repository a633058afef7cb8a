import type { IncomingHttpHeaders } from 'node:http'
import type { CloudError } from '../../errors.js'
import type { AuthVerdict } from '../auth/types.js'
import type { FaultDecision } from '../faults/select.js'
import type { ThrottleVerdict } from '../throttle/throttle.js'
import type { TransactionKey } from '../../runtime/wire/http.js'

/** One request to the emulated API as every step sees it, whichever entrance it came in by. */
export interface Call {
  /** The X-Request-Id it is answered with (32 hex digits). */
  id: string
  method: string
  /** The request target as received: path and query, still percent-encoded. */
  url: string
  headers: IncomingHttpHeaders
  /** The project and transaction it names, read before validation. */
  key: TransactionKey
  /** The peer's address, for the log line and the `ip` throttling policy. */
  ip: string | undefined
  /** The body bytes, read only when a step needs them (strict auth hashes them). */
  body?: Buffer
}

/**
 * The decisions of one request, each taken once. A field that is set is decided; one left
 * undefined is still to take (by the next entrance, when one hands the request over).
 */
export interface Decisions {
  /** The CORS headers of the answer, whatever it is (`--cors`; null: none). Taken first, so a refusal carries them. */
  cors?: Readonly<Record<string, string>> | null
  /** A browser request under a Host not allowed (DNS rebinding): its 403; null: not refused. Taken before auth. */
  hostRefusal?: CloudError | null
  auth?: AuthVerdict
  /** The throttling policies' counts of this call; null: decided, no policy applies. */
  throttle?: ThrottleVerdict | null
  /** null: decided, no fault. */
  fault?: FaultDecision | null
  /** The --latency wait of the answer, ms (0: none). */
  latencyMs?: number
  /**
   * Set when the store had no answer and the upstream gave one (`--unknown-transaction proxy`):
   * `recorded` when its 200 was stored as well (`--record`).
   */
  forwarded?: 'proxied' | 'recorded'
}

/** Whether the call went over a throttling policy. */
export const throttled = (decisions: Decisions): boolean => decisions.throttle?.tripped !== undefined

/** Whether every decision lets the request go on to the lookup as asked, at once. */
export const proceeds = (decisions: Decisions): boolean =>
  decisions.hostRefusal === null && decisions.auth?.ok === true && !throttled(decisions) && decisions.fault === null && decisions.latencyMs === 0
