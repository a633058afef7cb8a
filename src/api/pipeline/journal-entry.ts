import type { AuthOutcome } from '../auth/types.js'
import type { FaultDecision } from '../faults/select.js'
import type { JournalRecord } from '../../schemas/journal.js'
import { capJournalText } from '../../store/journal/journal.js'

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

/** The journal record of a request: what was asked and answered, never a header or a secret; each text capped (MAX_JOURNAL_TEXT_BYTES). */
export function journalRecord (subject: JournalSubject, status: number, durationMs: number): JournalRecord {
  const auth = subject.auth ?? NO_AUTH
  const principal = capJournalText(auth.principal)
  const queryAt = subject.url.indexOf('?')
  return {
    at: Date.now() - durationMs,
    request_id: capJournalText(subject.id),
    method: capJournalText(subject.method),
    path: capJournalText(queryAt === -1 ? subject.url : subject.url.slice(0, queryAt)),
    project_id: capJournalText(subject.projectId),
    transaction_id: capJournalText(subject.transactionId),
    status,
    duration_ms: Math.round(durationMs * 1000) / 1000,
    auth: principal === auth.principal ? auth : { ...auth, principal },
    fault_id: capJournalText(subject.fault?.ruleId),
    outcome: outcomeOf(subject, status)
  }
}
