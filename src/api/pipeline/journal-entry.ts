import type { AuthOutcome } from '../auth/types.js'
import type { FaultDecision } from '../faults/select.js'
import type { JournalRecord } from '../../schemas/journal.js'

/** What the journal keeps of one request. */
export interface JournalSubject {
  id: string
  method: string
  /** The request target as received; the journal keeps its path. */
  url: string
  projectId?: string
  transactionId?: string
  auth?: AuthOutcome
  fault?: FaultDecision
  /** Refused by a throttling policy. */
  throttled?: boolean
  /** The upstream answered (`--unknown-transaction proxy`), its 200 perhaps recorded. */
  forwarded?: 'proxied' | 'recorded'
}

const NO_AUTH: AuthOutcome = Object.freeze({ scheme: 'none', ok: true })

function outcomeOf ({ fault, auth, throttled, forwarded }: JournalSubject, status: number): JournalRecord['outcome'] {
  if (fault) return `fault:${fault.kind}`
  if (forwarded) return forwarded
  if (auth && !auth.ok) return 'auth_failed'
  if (throttled === true) return 'throttled'
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
