import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { JournalEntry } from '../schemas/journal.js'
import type { Journal } from './store.js'
import { transactionKey } from '../plugins/transaction-key.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the request has its journal entry (a hijacked request could otherwise get two). */
    journaled?: boolean
  }
}

function outcomeOf (request: FastifyRequest, status: number): JournalEntry['outcome'] {
  if (request.fault) return `fault:${request.fault.kind}`
  if (request.auth && !request.auth.ok) return 'auth_failed'
  return status < 400 ? 'ok' : 'error'
}

/** Builds the journal entry of a request: what was asked and answered, never a header or a secret. */
export function recordRequest (journal: Journal, request: FastifyRequest, status: number, durationMs: number): void {
  if (request.journaled === true) return
  request.journaled = true
  const { projectId, transactionId } = transactionKey(request)
  const queryAt = request.url.indexOf('?')
  journal.append({
    time: new Date(Date.now() - durationMs).toISOString(),
    request_id: request.id,
    method: request.method,
    path: queryAt === -1 ? request.url : request.url.slice(0, queryAt),
    project_id: projectId,
    transaction_id: transactionId,
    status,
    duration_ms: Math.round(durationMs * 1000) / 1000,
    auth: request.auth ?? { scheme: 'none', ok: true },
    fault_id: request.fault?.ruleId,
    outcome: outcomeOf(request, status)
  })
}

/** One journal entry per request of the scope (the emulated API). */
export function installJournal (scope: FastifyInstance, journal: Journal): void {
  // A flag on the request (declared up front, so every request keeps one shape) rather than a
  // WeakSet: a WeakSet entry per request is garbage the collector must trace specially.
  scope.decorateRequest('journaled', false)
  scope.addHook('onResponse', (request, reply, done) => {
    recordRequest(journal, request, reply.statusCode, reply.elapsedTime)
    done()
  })
}
