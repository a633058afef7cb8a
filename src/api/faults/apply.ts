import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { CloudError, errorForStatus } from '../../errors.js'
import { DRIBBLE_CHUNKS, DRIBBLE_MS, MAX_FAULT_MS, type FaultAction } from '../../schemas/faults.js'
import { dribbleSpan, dribbleStream } from './dribble.js'
import type { FaultDecision } from './select.js'

/** What an entrance lends a fault that acts on the connection instead of answering. */
export interface FaultWire {
  /** Takes the request from the framework, which then answers nothing, and gives its connection. */
  takeOver: () => Socket
  /** Records the request as one nothing was answered to (status 0). */
  recordUnanswered: () => void
  /** The connections hang faults hold: the entrance ends them at shutdown, which would otherwise wait for them. */
  hanging: Set<Socket>
}

/**
 * What a fault does before the answer. A hang takes the connection at once and holds it, sending
 * nothing, until the client goes away or MAX_FAULT_MS pass. Every other kind first waits (its own
 * wait and the --latency wait, together capped at MAX_FAULT_MS); then an error throws the rule's
 * error and a reset drops the connection. Delay, malformed and dribble go on to the answer.
 */
export async function applyFault (fault: FaultDecision, latencyMs: number, wire: FaultWire): Promise<void> {
  if (fault.kind === 'hang') {
    const socket = wire.takeOver()
    wire.hanging.add(socket)
    const cap = setTimeout(() => socket.destroy(), MAX_FAULT_MS).unref()
    socket.once('close', () => { clearTimeout(cap); wire.hanging.delete(socket); wire.recordUnanswered() })
    return
  }
  const wait = Math.min(fault.waitMs + latencyMs, MAX_FAULT_MS)
  if (wait > 0) await sleep(wait)
  if (fault.kind === 'error') throw errorFromAction(fault.action)
  if (fault.kind === 'reset') {
    wire.takeOver().destroy()
    wire.recordUnanswered()
  }
}

/** The --latency wait of a request no fault applies to: undefined when there is none, so most requests make no promise. */
export const applyLatency = (latencyMs: number): Promise<void> | undefined => latencyMs > 0 ? sleep(latencyMs) : undefined

/** The part of a reply a body fault changes; a Fastify reply is one. */
export interface ShapedReply {
  readonly statusCode: number
  /** Ms since the request arrived. */
  readonly elapsedTime: number
  code: (status: number) => unknown
  header: (name: string, value: number) => unknown
}

/**
 * What a fault does to an answer's body, once made: malformed and dribble change it (and the
 * reply's status or headers), every other kind leaves it as it is.
 */
export function shapeBody (fault: FaultDecision, payload: string, reply: ShapedReply): string | Readable {
  // A 200 whose JSON stops half-way: what a client sees when a proxy cuts a response short.
  if (fault.kind === 'malformed') {
    reply.code(200)
    return payload.slice(0, Math.max(1, Math.floor(payload.length / 2)))
  }
  // A 200 that trickles in over a slow link: the whole body, its length announced, in pieces.
  if (fault.kind === 'dribble' && reply.statusCode === 200) {
    reply.header('content-length', Buffer.byteLength(payload))
    return dribbleStream(payload, fault.action.chunks ?? DRIBBLE_CHUNKS, dribbleSpan(fault.action.over_ms ?? DRIBBLE_MS, reply.elapsedTime))
  }
  return payload
}

/** The catalogue's answer for the rule's status, with the rule's own code and message where given. */
function errorFromAction (action: FaultAction): CloudError {
  const base = errorForStatus(action.status ?? 500)
  return new CloudError(base.statusCode, action.error_code ?? base.errorCode, action.error_msg ?? base.message)
}
