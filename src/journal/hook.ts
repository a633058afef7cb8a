import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AuthOutcome } from '../auth/types.js'
import type { FaultDecision } from '../faults/select.js'
import type { JournalRecord } from '../schemas/journal.js'
import type { Journal } from './journal.js'
import { transactionKey } from '../plugins/transaction-key.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the request has its journal entry (a hijacked request could otherwise get two). */
    journaled?: boolean
  }
}

/** What the journal keeps of one request; the Fastify path and the fast path both describe requests so. */
export interface JournalSubject {
  id: string
  method: string
  /** The request target as received; the journal keeps its path. */
  url: string
  projectId?: string
  transactionId?: string
  auth?: AuthOutcome
  fault?: FaultDecision
  /** The upstream answered (`--unknown-transaction proxy`), its 200 perhaps recorded. */
  forwarded?: 'proxied' | 'recorded'
}

const NO_AUTH: AuthOutcome = Object.freeze({ scheme: 'none', ok: true })

function outcomeOf ({ fault, auth, forwarded }: JournalSubject, status: number): JournalRecord['outcome'] {
  if (fault) return `fault:${fault.kind}`
  if (forwarded) return forwarded
  if (auth && !auth.ok) return 'auth_failed'
  return status < 400 ? 'ok' : 'error'
}

/** The journal record of a request: what was asked and answered, never a header or a secret. */
export function journalRecord (subject: JournalSubject, status: number, durationMs: number): JournalRecord {
  const queryAt = subject.url.indexOf('?')
  return {
    at: Date.now() - durationMs,
    request_id: subject.id,
    method: subject.method,
    path: queryAt === -1 ? subject.url : subject.url.slice(0, queryAt),
    project_id: subject.projectId,
    transaction_id: subject.transactionId,
    status,
    duration_ms: Math.round(durationMs * 1000) / 1000,
    auth: subject.auth ?? NO_AUTH,
    fault_id: subject.fault?.ruleId,
    outcome: outcomeOf(subject, status)
  }
}

/** Journals a request handled by Fastify, once. */
export function recordRequest (journal: Journal, request: FastifyRequest, status: number, durationMs: number): void {
  if (request.journaled === true) return
  request.journaled = true
  const { projectId, transactionId } = transactionKey(request)
  journal.append(journalRecord({ id: request.id, method: request.method, url: request.url, projectId, transactionId, auth: request.auth, fault: request.fault, forwarded: request.forwarded }, status, durationMs))
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
