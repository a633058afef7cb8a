import type { IncomingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { CloudError, errorForStatus } from '../errors.js'
import type { Rng } from '../random.js'
import { MAX_FAULT_MS, type FaultAction } from '../schemas/faults.js'
import { preferFault, type FaultDecision } from './select.js'
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

/** The fault for one emulated-API request: a Prefer header's (unless --no-prefer), else the rules'. */
export function createFaultDecider ({ faults, rng, prefer }: FaultDeciderOptions): FaultDecider {
  return (key, headers) => (prefer ? preferFault(headers.prefer) : undefined) ?? faults.select(key, headers, rng)
}

export interface FaultHookOptions {
  decide: FaultDecider
  /** Called for a request whose connection a fault took over (reset, hang): no onResponse runs for it. */
  onHijacked: (request: FastifyRequest, elapsedMs: number) => void
}

/** The catalogue's answer for the rule's status, with the rule's own code and message where given. */
export function errorFromAction (action: FaultAction): CloudError {
  const base = errorForStatus(action.status ?? 500)
  return new CloudError(base.statusCode, action.error_code ?? base.errorCode, action.error_msg ?? base.message)
}

/** Applies the fault decision for each request of the scope: one hook, after authentication. */
export function installFaults (scope: FastifyInstance, { decide, onHijacked }: FaultHookOptions): void {
  const hanging = new Set<Socket>()
  // preClose, not onClose: the server's close waits for every connection, a hanging one included.
  scope.addHook('preClose', (done) => {
    if (hanging.size > 0) scope.log.info({ count: hanging.size }, 'hanging requests ended by the shutdown')
    for (const socket of hanging) socket.destroy()
    done()
  })
  scope.decorateRequest('fault', undefined)

  const apply = async (request: FastifyRequest, reply: FastifyReply, decision: FaultDecision): Promise<void> => {
    request.fault = decision
    if (decision.kind === 'hang') {
      reply.hijack()
      const socket = request.raw.socket
      hanging.add(socket)
      const cap = setTimeout(() => socket.destroy(), MAX_FAULT_MS).unref()
      socket.once('close', () => { clearTimeout(cap); hanging.delete(socket); onHijacked(request, reply.elapsedTime) })
      return
    }
    if (decision.waitMs > 0) await sleep(decision.waitMs)
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
    if (!decision) { done(); return }
    apply(request, reply, decision).then(() => done(), done)
  })

  // A 200 whose JSON stops half-way: what a client sees when a proxy cuts a response short.
  scope.addHook('onSend', (request, reply, payload, done) => {
    if (request.fault?.kind !== 'malformed' || typeof payload !== 'string') { done(null, payload); return }
    reply.code(200)
    done(null, payload.slice(0, Math.max(1, Math.floor(payload.length / 2))))
  })
}
