import type { FastifyBaseLogger } from 'fastify'
import { authOutcome } from '../auth/types.js'
import type { Journal } from '../../store/journal/journal.js'
import type { Metrics } from '../../runtime/metrics/metrics.js'
import type { AccountRequest } from '../../runtime/accounting.js'
import { journalRecord } from './journal-entry.js'
import type { Call, Decisions } from './call.js'

/**
 * Everything kept of an answered request: the route's counters and log line (the accounting every
 * request gets), the fault, throttling and auth-failure counters, and the journal entry. `status`
 * 0: a fault reset the connection or left it hanging. Called once per request, after the answer went out.
 */
export type RecordCall = (call: Call, decisions: Decisions, status: number, elapsedMs: number) => void

export interface RecordOptions {
  journal: Journal
  metrics: Metrics
  account: AccountRequest
  log: FastifyBaseLogger
}

/** `route`: the URL pattern of the operation the calls belong to, the series they are counted under. */
export function createRecord ({ journal, metrics, account, log }: RecordOptions, route: string): RecordCall {
  return (call, decisions, status, elapsedMs) => {
    try {
      account(call.id, call, route, status, elapsedMs)
      const fault = decisions.fault ?? undefined
      if (fault !== undefined) metrics.countFault(fault.kind)
      const tripped = decisions.throttle?.tripped
      if (tripped !== undefined) metrics.countThrottled(tripped.policy)
      const verdict = decisions.auth
      if (verdict?.reason !== undefined) metrics.countAuthFailure(verdict.reason)
      const auth = verdict === undefined ? undefined : authOutcome(verdict)
      const { key } = call
      journal.append(journalRecord({ id: call.id, method: call.method, url: call.url, projectId: key.projectId, transactionId: key.transactionId, auth, fault, throttled: tripped !== undefined, forwarded: decisions.forwarded }, status, elapsedMs))
    } catch (err) {
      // The answer is out; a bookkeeping failure must not take the process down with it.
      log.error({ err, reqId: call.id }, 'recording an answered request failed')
    }
  }
}
