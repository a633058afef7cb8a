import type { IncomingHttpHeaders } from 'node:http'
import type { Rng } from '../../runtime/random.js'
import type { TransactionKey } from '../../runtime/wire/http.js'
import { drawLatency } from './latency.js'
import type { Latency } from '../../schemas/latency.js'
import { preferFault, prefersDelay, type FaultDecision } from './select.js'
import type { FaultStore } from './store.js'

// The two decisions the pipeline takes from this step for each request, before its answer: the
// fault (if any) and the --latency wait. What they then do to the request is apply.ts's.

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
