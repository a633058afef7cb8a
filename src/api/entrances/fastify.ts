import type { Socket } from 'node:net'
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { MAX_SIGNED_BODY } from '../auth/authenticator.js'
import { authError, authOutcome } from '../auth/types.js'
import { errors } from '../../errors.js'
import { applyFault, applyLatency, shapeBody, type FaultWire } from '../faults/apply.js'
import { rateLimitHeaders, wantsDebug } from '../throttle/view.js'
import { APIG_MODE_HEADER, hasBody } from '../../runtime/wire/http.js'
import type { Call, Decisions } from '../pipeline/call.js'
import { handedOver } from './hand-over.js'
import type { Pipeline } from '../pipeline/index.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The emulated-API request as the pipeline sees it; set by the scope's first hook. */
    call?: Call
    decisions?: Decisions
    /** Set once the request is recorded (a hijacked request could otherwise be recorded twice). */
    recorded: boolean
  }
}

/** The Call of a request Fastify routed; the key is read before validation (hooks run first). */
function callOf (request: FastifyRequest, body?: Buffer): Call {
  const params = request.params as { project_id?: string } | undefined
  const query = request.query as { transaction_id?: unknown } | undefined
  const transactionId = query?.transaction_id
  return {
    id: request.id,
    method: request.method,
    url: request.url,
    headers: request.headers,
    key: { projectId: params?.project_id, transactionId: typeof transactionId === 'string' ? transactionId : undefined },
    ip: request.ip,
    body
  }
}

async function readBody (request: FastifyRequest): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length
    if (size > MAX_SIGNED_BODY) throw errors.bodyTooLarge()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

const BODY = Symbol('signedBody')
type WithBody = FastifyRequest & { [BODY]?: Buffer }

/**
 * The Fastify entrance of the emulated API, for the scope it is called in: one onRequest hook
 * decides (taking over what the fast path decided) and applies the decisions, one onResponse hook
 * records. Authentication comes before validation and faults, as at the gateway: a request
 * without credentials gets 401 even when its parameters are also wrong. When the pipeline needs
 * the body (strict auth hashes its exact bytes) it is read first and handed back to Fastify's parser.
 */
export function installApiEntrance (scope: FastifyInstance, { decide, record, needsBody }: Pipeline): void {
  scope.decorateRequest('call', undefined)
  scope.decorateRequest('decisions', undefined)
  // A flag declared up front, so every request keeps one shape, rather than a WeakSet entry per request.
  scope.decorateRequest('recorded', false)
  const hanging = new Set<Socket>()
  // preClose, not onClose: the server's close waits for every connection, a hanging one included.
  scope.addHook('preClose', (done) => {
    if (hanging.size > 0) scope.log.info({ count: hanging.size }, 'hanging requests ended by the shutdown')
    for (const socket of hanging) socket.destroy()
    done()
  })

  const recordOnce = (request: FastifyRequest, status: number, elapsedMs: number): void => {
    if (request.recorded) return
    request.recorded = true
    record(request.call ?? callOf(request), request.decisions ?? {}, status, elapsedMs)
  }

  // A client that gives up while its answer waits (a read timeout under an injected delay) or
  // trickles in never lets the response finish, so onResponse never runs: it is recorded when
  // the connection closes, with status 0 when nothing was sent, else the status it was sent.
  const recordIfAbandoned = (request: FastifyRequest, reply: FastifyReply): void => {
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) recordOnce(request, reply.raw.headersSent ? reply.statusCode : 0, reply.elapsedTime)
    })
  }

  // The connection, for the faults that take it from Fastify (hang, reset).
  const faultWire = (request: FastifyRequest, reply: FastifyReply): FaultWire => ({
    takeOver: () => { reply.hijack(); return request.raw.socket },
    recordUnanswered: () => recordOnce(request, 0, reply.elapsedTime),
    hanging
  })

  /** Decides what is still undecided and applies it: throws a refusal, returns a promise while a fault runs. */
  const decideAndApply = (request: FastifyRequest, reply: FastifyReply, body: Buffer | undefined): Promise<void> | undefined => {
    const call = callOf(request, body)
    const decisions = handedOver(request.raw)?.decisions ?? {}
    request.call = call
    request.decisions = decisions
    try {
      decide(call, decisions)
    } finally {
      // Set even when a later step throws, so the page can read that error too.
      if (decisions.cors) reply.headers(decisions.cors)
    }
    if (decisions.hostRefusal) throw decisions.hostRefusal
    const verdict = decisions.auth!
    if (!verdict.ok) {
      if (verdict.detail !== undefined) request.log.info({ auth: authOutcome(verdict), reason: verdict.reason, detail: verdict.detail }, 'authentication refused')
      if (verdict.canonicalRequest !== undefined) request.log.debug({ canonicalRequest: verdict.canonicalRequest }, 'canonical request computed by the emulator')
      throw authError(verdict)
    }
    const tripped = decisions.throttle?.tripped
    if (tripped !== undefined) throw errors.rateLimited(tripped.policy, tripped.rule.limit, tripped.rule.window)
    const latencyMs = decisions.latencyMs ?? 0
    if (decisions.fault !== undefined || latencyMs > 0) recordIfAbandoned(request, reply)
    return decisions.fault ? applyFault(decisions.fault, latencyMs, faultWire(request, reply)) : applyLatency(latencyMs)
  }

  if (needsBody) {
    scope.addHook('onRequest', async (request, reply) => {
      const body = hasBody(request.headers) ? await readBody(request) : undefined
      if (body !== undefined) (request as WithBody)[BODY] = body
      await decideAndApply(request, reply, body)
    })
    scope.addHook('preParsing', async (request, _reply, payload) => {
      const body = (request as WithBody)[BODY]
      return body === undefined ? payload : Readable.from([body], { objectMode: false })
    })
  } else {
    // Callback style: no promise or microtask per request unless a fault has to wait.
    scope.addHook('onRequest', (request, reply, done) => {
      let pending: Promise<void> | undefined
      try {
        pending = decideAndApply(request, reply, undefined)
      } catch (err) {
        done(err as Error)
        return
      }
      if (pending === undefined) done()
      else pending.then(() => done(), done)
    })
  }

  scope.addHook('onSend', (request, reply, payload, done) => {
    if (wantsDebug(request.headers[APIG_MODE_HEADER])) {
      for (const [name, value] of rateLimitHeaders(request.decisions?.throttle ?? undefined)) reply.header(name, value)
      reply.header('x-apig-latency', String(Math.round(reply.elapsedTime)))
    }
    const fault = request.decisions?.fault
    done(null, fault && typeof payload === 'string' ? shapeBody(fault, payload, reply) : payload)
  })

  scope.addHook('onResponse', (request, reply, done) => {
    recordOnce(request, reply.statusCode, reply.elapsedTime)
    done()
  })
}
