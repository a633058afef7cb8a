import type { IncomingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { CloudError, errorForStatus } from '../errors.js'
import type { Rng } from '../random.js'
import { MAX_FAULT_MS, type FaultAction } from '../schemas/faults.js'
import { dribbleStream } from '../latency/dribble.js'
import { drawLatency } from '../latency/distribution.js'
import type { Latency } from '../schemas/latency.js'
import { preferFault, prefersDelay, type FaultDecision } from './select.js'
import type { FaultStore } from './store.js'
import { transactionKey, type TransactionKey } from '../plugins/transaction-key.js'
import { priorOf } from '../fast-path/prior.js'

declare module 'fastify' {
  interface FastifyRequest {
    fault?: FaultDecision
  }
}

export interface FaultDeciderOptions {
  faults: FaultStore
  rng: Rng
  prefer: boolean
}

export type FaultDecider = (key: TransactionKey, headers: IncomingHttpHeaders) => FaultDecision | undefined

/** Defaults of a dribble rule that names no `chunks` or `over_ms`. */
export const DRIBBLE_CHUNKS = 5
export const DRIBBLE_MS = 1000

/** The fault for one emulated-API request: a Prefer header's (unless --no-prefer), else the rules'. */
export function createFaultDecider ({ faults, rng, prefer }: FaultDeciderOptions): FaultDecider {
  return (key, headers) => (prefer ? preferFault(headers.prefer) : undefined) ?? faults.select(key, headers, rng)
}

/**
 * The `--latency` wait of one request, drawn from `rng`: none without a distribution, and none when
 * the request's `Prefer: delay=` (honoured unless --no-prefer) names its own wait instead.
 */
export function createLatencyWait (latency: Latency | undefined, rng: Rng, prefer: boolean): (headers: IncomingHttpHeaders) => number {
  if (latency === undefined) return () => 0
  return (headers) => prefer && prefersDelay(headers.prefer) ? 0 : drawLatency(latency, rng)
}

export interface FaultHookOptions {
  decide: FaultDecider
  /** The --latency wait for a request, in ms (0 when none is set or its Prefer header names a delay). */
  latency: (headers: IncomingHttpHeaders) => number
  /** Called for a request whose connection a fault took over (reset, hang): no onResponse runs for it. */
  onHijacked: (request: FastifyRequest, elapsedMs: number) => void
}

/** The catalogue's answer for the rule's status, with the rule's own code and message where given. */
export function errorFromAction (action: FaultAction): CloudError {
  const base = errorForStatus(action.status ?? 500)
  return new CloudError(base.statusCode, action.error_code ?? base.errorCode, action.error_msg ?? base.message)
}

/** Applies the fault decision for each request of the scope: one hook, after authentication. */
export function installFaults (scope: FastifyInstance, { decide, latency, onHijacked }: FaultHookOptions): void {
  const hanging = new Set<Socket>()
  scope.addHook('onClose', async () => { for (const socket of hanging) socket.destroy() })
  scope.decorateRequest('fault', undefined)

  const apply = async (request: FastifyRequest, reply: FastifyReply, decision: FaultDecision | undefined, latencyMs: number): Promise<void> => {
    if (decision === undefined) { await sleep(latencyMs); return }
    request.fault = decision
    if (decision.kind === 'hang') {
      reply.hijack()
      const socket = request.raw.socket
      hanging.add(socket)
      const cap = setTimeout(() => socket.destroy(), MAX_FAULT_MS).unref()
      socket.once('close', () => { clearTimeout(cap); hanging.delete(socket); onHijacked(request, reply.elapsedTime) })
      return
    }
    const wait = Math.min(decision.waitMs + latencyMs, MAX_FAULT_MS)
    if (wait > 0) await sleep(wait)
    if (decision.kind === 'error') throw errorFromAction(decision.action)
    if (decision.kind === 'reset') {
      reply.hijack()
      request.raw.socket.destroy()
      onHijacked(request, reply.elapsedTime)
    }
  }

  // Callback style, so the common case (no fault) costs no promise; only a firing fault goes async.
  scope.addHook('onRequest', (request, reply, done) => {
    const prior = priorOf(request.raw)?.fault
    const decision = prior === undefined ? decide(transactionKey(request), request.headers) : prior ?? undefined
    const latencyMs = latency(request.headers)
    if (!decision && latencyMs === 0) { done(); return }
    apply(request, reply, decision, latencyMs).then(() => done(), done)
  })

  scope.addHook('onSend', (request, reply, payload, done) => {
    const fault = request.fault
    if (fault === undefined || typeof payload !== 'string') { done(null, payload); return }
    // A 200 whose JSON stops half-way: what a client sees when a proxy cuts a response short.
    if (fault.kind === 'malformed') {
      reply.code(200)
      done(null, payload.slice(0, Math.max(1, Math.floor(payload.length / 2))))
      return
    }
    // A 200 that trickles in over a slow link: the whole body, announced by its length, in pieces.
    if (fault.kind === 'dribble' && reply.statusCode === 200) {
      reply.header('content-length', Buffer.byteLength(payload))
      done(null, dribbleStream(payload, fault.action.chunks ?? DRIBBLE_CHUNKS, fault.action.over_ms ?? DRIBBLE_MS))
      return
    }
    done(null, payload)
  })
}
