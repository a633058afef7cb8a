import type { FaultStore } from '../../api/faults/store.js'
import { STATE_VERSION } from '../../schemas/state.js'
import { servableFields } from '../../store/record-body.js'
import type { TransactionStore } from '../../store/transactions.js'

/** Records read and sent per step: a few hundred kB of text, whatever the size of the store. */
export const EXPORT_PAGE = 1000

export interface ExportSource {
  transactions: Pick<TransactionStore, 'snapshot'>
  faults: Pick<FaultStore, 'rules'>
}

/**
 * A record line: its key (the row's: a body's own key fields never reach the line), then the
 * stored body's fields in their stored order, compact, as the control plane reads them.
 */
function recordLine (projectId: string, transactionId: string, body: string): string {
  const fields = JSON.stringify(servableFields(body))
  return `{"project_id":${JSON.stringify(projectId)},"transaction_id":${JSON.stringify(transactionId)}${fields === '{}' ? '' : ','}${fields.slice(1)}`
}

/**
 * The state document (schemas/state.ts) as text chunks, one page of records each: small parts
 * first, then one record a line. The same state always gives the same bytes. It is the state at
 * the first chunk (rules and records taken in one synchronous step): pages are read one at a time
 * as the consumer asks for them, from a snapshot that writes made meanwhile do not reach.
 */
export function * exportState ({ transactions, faults }: ExportSource, projectId?: string): Generator<string> {
  const head: Record<string, unknown> = { version: STATE_VERSION }
  if (projectId !== undefined) head.project_id = projectId
  head.faults = faults.rules(projectId)
  const snapshot = transactions.snapshot(projectId)
  try {
    const text = JSON.stringify(head)
    yield `${text.slice(0, -1)},"transactions":[`
    let after: [string, string] | undefined
    let first = true
    for (;;) {
      const rows = snapshot.page(after, EXPORT_PAGE)
      if (rows.length === 0) break
      const lines = rows.map((r) => recordLine(r.project_id, r.transaction_id, r.body))
      yield (first ? '\n' : ',\n') + lines.join(',\n')
      first = false
      const last = rows[rows.length - 1]
      after = [last.project_id, last.transaction_id]
    }
    yield first ? ']}\n' : '\n]}\n'
  } finally {
    // Also when the client goes away: the stream's destroy returns the generator.
    snapshot.close()
  }
}
