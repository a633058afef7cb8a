import type { FastifyBaseLogger } from 'fastify'
import { authOutcome } from '../auth/types.js'
import { journalRecord } from './journal-entry.js'
import type { Journal } from '../../store/journal/journal.js'
import type { Metrics } from '../../runtime/metrics/metrics.js'
import type { JournalRecord } from '../../schemas/journal.js'
import { ACCESS_STAGES_URL } from '../../runtime/wire/http.js'
import type { Call, Decisions } from './call.js'

/**
 * Everything kept of an answered request: the route's counters, the fault and auth-failure
 * counters, the journal entry, the request log line, then each subscriber. `status` 0: a fault
 * reset the connection or left it hanging. Called once per request, after the answer went out.
 */
export type RecordCall = (call: Call, decisions: Decisions, status: number, elapsedMs: number) => void

/** Told of each journal entry as it is recorded (a live view of the journal, for instance). */
export type RecordedListener = (entry: JournalRecord, call: Call, decisions: Decisions) => void

export interface RecordOptions {
  journal: Journal
  metrics: Metrics
  log: FastifyBaseLogger
  /** Whether each request gets its log line (at info and below). */
  logRequests: boolean
  listeners: readonly RecordedListener[]
}

export function createRecord ({ journal, metrics, log, logRequests, listeners }: RecordOptions): RecordCall {
  const getStats = metrics.routeStats('GET', ACCESS_STAGES_URL)
  return (call, decisions, status, elapsedMs) => {
    try {
      const stats = call.method === 'GET' ? getStats : metrics.routeStats(call.method, ACCESS_STAGES_URL)
      stats.record(status, elapsedMs)
      const fault = decisions.fault ?? undefined
      if (fault !== undefined) metrics.countFault(fault.kind)
      const tripped = decisions.throttle?.tripped
      if (tripped !== undefined) metrics.countThrottled(tripped.policy)
      const verdict = decisions.auth
      if (verdict?.reason !== undefined) metrics.countAuthFailure(verdict.reason)
      const auth = verdict === undefined ? undefined : authOutcome(verdict)
      const { key } = call
      const entry = journalRecord({ id: call.id, method: call.method, url: call.url, projectId: key.projectId, transactionId: key.transactionId, auth, fault, throttled: tripped !== undefined, forwarded: decisions.forwarded }, status, elapsedMs)
      journal.append(entry)
      // reqId first, where a child logger's binding would put it.
      if (logRequests) log.info({ reqId: call.id, req: call, res: { statusCode: status }, responseTime: elapsedMs }, 'request')
      for (const listener of listeners) listener(entry, call, decisions)
    } catch (err) {
      // The answer is out; a bookkeeping failure must not take the process down with it.
      log.error({ err, reqId: call.id }, 'recording an answered request failed')
    }
  }
}
