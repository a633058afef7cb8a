import type { FindBody } from '../lookup/find-body.js'
import type { Forward } from '../upstream/forward.js'
import { createAnswer, type Answer } from './answer.js'
import { createDecide, type Decide, type DecideSteps } from './decide.js'
import { createRecord, type RecordCall, type RecordOptions } from './record.js'

/**
 * The request pipeline of the emulated API: plain functions that every entrance calls, so each
 * request concern is written once. The entrances (../entrances/) are the Fastify route, which also
 * handles the hijacked-socket faults, and the fast path; an entrance adds only its own wire
 * handling. Per request: decide → answer → record.
 *
 * Adding a step (docs/architecture.md walks through one):
 * - A decision (throttling, a fault …): a field of `Decisions` (call.ts), taken in `createDecide`
 *   (decide.ts) in its place in the order, written so that a field already set is not taken again
 *   (the fast path hands its decisions to Fastify, which must not count a request twice). If it
 *   changes the answer, make `proceeds()` false for it, so the fast path hands the request over,
 *   and apply it in the Fastify entrance: throw a catalogue error, wait, or hijack the socket (and
 *   record with status 0). The step itself lives in a folder of its own beside this one and knows
 *   nothing of the pipeline or of the other steps.
 * - Something that finds the answer (the store, the upstream): in `createAnswer` (answer.ts).
 * - Something kept of every request: in `createRecord` (record.ts), reading `decisions`.
 */
export interface Pipeline {
  decide: Decide
  answer: Answer
  record: RecordCall
  /** Whether a decision reads the body (strict auth hashes it), so the Fastify entrance reads it first. */
  needsBody: boolean
}

/** Every step the pipeline composes: the decisions', the answer's (`findBody`, `forward`) and the record's. */
export type PipelineSteps = DecideSteps & RecordOptions & {
  findBody: FindBody
  /** `--unknown-transaction proxy`: asks the upstream what the store cannot answer. */
  forward?: Forward
}

/** The pipeline of one operation, whose calls are counted under `route` (its URL pattern). */
export function createPipeline (steps: PipelineSteps, route: string): Pipeline {
  return {
    decide: createDecide(steps),
    answer: createAnswer(steps.findBody, steps.forward),
    record: createRecord(steps, route),
    needsBody: steps.authenticate.needsBody === true
  }
}

export type { Call, Decisions } from './call.js'
export { proceeds, throttled } from './call.js'
