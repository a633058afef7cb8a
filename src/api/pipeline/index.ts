import type { FastifyBaseLogger } from 'fastify'
import type { Authenticator } from '../auth/types.js'
import type { CorsPolicy } from '../cors/policy.js'
import type { FaultDecider, LatencyWait } from '../faults/decide.js'
import type { Journal } from '../../store/journal/journal.js'
import type { Metrics } from '../../runtime/metrics/metrics.js'
import type { Throttle } from '../throttle/throttle.js'
import { createDecide, type Decide } from './decide.js'
import { createRecord, type RecordCall, type RecordedListener } from './record.js'

/**
 * The request pipeline of the emulated API: plain functions that every entrance calls, so each
 * request concern is written once. The entrances are the Fastify route (`fastify-api.ts`, which
 * also handles the hijacked-socket faults) and the fast path (`fast-path.ts`); an entrance adds
 * only its own wire handling. Per request: decide → (answer) → record.
 *
 * Adding a step:
 * - A decision (throttling, forwarding upstream …): a field of `Decisions` (call.ts), taken in
 *   `createDecide` (decide.ts) in its place in the order, written so that a field already set is
 *   not taken again (the fast path hands its decisions to Fastify, which must not count a request
 *   twice). If it changes the answer, make `proceeds()` false for it, so the fast path hands the
 *   request over, and apply it in `decideAndApply` (fastify-api.ts): throw a catalogue error,
 *   wait, or hijack the socket (and record with status 0).
 * - Something kept of every request: in `createRecord` (record.ts), reading `decisions`.
 * - Something told of every recorded request (a live stream of the journal): `subscribe()`.
 * Nothing below this folder (auth, faults, journal, metrics, store) imports it.
 */
export interface Pipeline {
  decide: Decide
  record: RecordCall
  /** Whether a decision reads the body (strict auth hashes it), so the Fastify entrance reads it first. */
  needsBody: boolean
  /** Calls `listener` with each journal entry as it is recorded; returns the unsubscribe. */
  subscribe: (listener: RecordedListener) => () => void
}

export interface PipelineOptions {
  /** `--cors`; undefined: off. Preflights never reach the pipeline: they are not API calls. */
  cors?: CorsPolicy
  authenticate: Authenticator
  throttle: Throttle
  decideFault: FaultDecider
  latencyWait: LatencyWait
  journal: Journal
  metrics: Metrics
  log: FastifyBaseLogger
  /** Whether each request gets its log line (at info and below). */
  logRequests: boolean
}

export function createPipeline ({ cors, authenticate, throttle, decideFault, latencyWait, journal, metrics, log, logRequests }: PipelineOptions): Pipeline {
  const listeners: RecordedListener[] = []
  return {
    decide: createDecide({ cors, authenticate, throttle, decideFault, latencyWait }),
    record: createRecord({ journal, metrics, log, logRequests, listeners }),
    needsBody: authenticate.needsBody === true,
    subscribe (listener) {
      listeners.push(listener)
      return () => {
        const at = listeners.indexOf(listener)
        if (at !== -1) listeners.splice(at, 1)
      }
    }
  }
}

export type { Call, Decisions } from './call.js'
export { proceeds, throttled } from './call.js'
