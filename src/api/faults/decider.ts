import type { IncomingHttpHeaders } from 'node:http'
import { CloudError, errorForStatus } from '../../errors.js'
import type { Rng } from '../../runtime/random.js'
import type { FaultAction } from '../../schemas/faults.js'
import type { TransactionKey } from '../../runtime/wire/http.js'
import { drawLatency } from './latency.js'
import type { Latency } from '../../schemas/latency.js'
import { preferFault, prefersDelay, type FaultDecision } from './select.js'
import type { FaultStore } from './store.js'

export interface FaultDeciderOptions {
  faults: FaultStore
  rng: Rng
  prefer: boolean
}

export type FaultDecider = (key: TransactionKey, headers: IncomingHttpHeaders) => FaultDecision | undefined

/** The fault for one emulated-API request: a Prefer header's (unless --no-prefer), else the rules'. */
export function createFaultDecider ({ faults, rng, prefer }: FaultDeciderOptions): FaultDecider {
  return (key, headers) => (prefer ? preferFault(headers.prefer) : undefined) ?? faults.select(key, headers, rng)
}

/** Defaults of a dribble rule that names no `chunks` or `over_ms`. */
export const DRIBBLE_CHUNKS = 5
export const DRIBBLE_MS = 1000

/** The `--latency` wait of one request in ms (0: none). */
export type LatencyWait = (headers: IncomingHttpHeaders) => number

/**
 * The `--latency` wait of one request, drawn from `rng`: none without a distribution, and none when
 * the request's `Prefer: delay=` (honoured unless --no-prefer) names its own wait instead.
 */
export function createLatencyWait (latency: Latency | undefined, rng: Rng, prefer: boolean): LatencyWait {
  if (latency === undefined) return () => 0
  return (headers) => prefer && prefersDelay(headers.prefer) ? 0 : drawLatency(latency, rng)
}

/** The catalogue's answer for the rule's status, with the rule's own code and message where given. */
export function errorFromAction (action: FaultAction): CloudError {
  const base = errorForStatus(action.status ?? 500)
  return new CloudError(base.statusCode, action.error_code ?? base.errorCode, action.error_msg ?? base.message)
}
