import { errors, type CloudError } from '../../errors.js'
import type { UpstreamClient, UpstreamFailure } from './client.js'
import type { UpstreamResultName } from '../../schemas/upstream.js'
import type { DriftDetector } from './drift.js'
import { recordableBody } from '../../store/record-body.js'

/** The upstream's answer as the client gets it. */
export interface Forwarded {
  status: number
  body: Buffer
  contentType: string
  /** The upstream's X-Request-Id (the emulator's own goes in X-Emulator-Request-Id). */
  requestId?: string
  outcome: 'proxied' | 'recorded'
}

/** Stores an upstream body, as received, as a run-time change of its project. */
export type RecordBody = (projectId: string, transactionId: string, body: string) => void

export interface ForwarderOptions {
  client: UpstreamClient
  drift: DriftDetector
  /** Given with --record. */
  record?: RecordBody
  count: (result: UpstreamResultName) => void
}

export type Forward = (projectId: string, transactionId: string) => Promise<Forwarded>

function failure (origin: string, { reason, detail }: UpstreamFailure): CloudError {
  return reason === 'timeout' ? errors.upstreamTimeout(origin, detail) : errors.upstreamUnreachable(origin, detail)
}

/**
 * The lookup the store could not answer, asked of the upstream (`--unknown-transaction proxy`).
 * Status, body and X-Request-Id come back as the upstream sent them, 4xx/5xx included; a 200's
 * body is checked for drift and, with --record, stored when it is a valid response body. No answer at all
 * rejects with the catalogue's 502 (unreachable, or too large) or 504 (timeout).
 */
export function createForwarder ({ client, drift, record, count }: ForwarderOptions): Forward {
  return async (projectId, transactionId) => {
    const result = await client.showUserAccessStages(projectId, transactionId)
    if (!result.ok) {
      count(result.reason)
      throw failure(client.origin, result)
    }
    let outcome: Forwarded['outcome'] = 'proxied'
    if (result.status === 200) {
      const text = result.body.toString('utf8')
      drift.observe(text)
      // Only a body that can be served back, exported and put back exactly is stored (the rest is drift).
      const recordable = record === undefined ? undefined : recordableBody(text)
      if (record !== undefined && recordable !== undefined) {
        record(projectId, transactionId, recordable)
        outcome = 'recorded'
      }
    }
    count(outcome)
    return { status: result.status, body: result.body, contentType: result.contentType ?? 'application/json', requestId: result.requestId, outcome }
  }
}
