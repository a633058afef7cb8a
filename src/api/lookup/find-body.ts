import type { Config } from '../../config/schema.js'
import { bodyOf } from '../../store/record-body.js'
import { generatedBodyFor } from './generated-body.js'
import type { TransactionStore } from '../../store/transactions.js'

const EMPTY_BODY = '{"stages":[]}'

export type FindBody = (projectId: string, transactionId: string) => string | undefined

/** The JSON body served for a transaction, stored or per `--unknown-transaction`; undefined when there is none to serve. */
export function createFindBody (store: TransactionStore, mode: Config['unknownTransaction']): FindBody {
  return (projectId, transactionId) => {
    const stored = store.getBody(projectId, transactionId)
    if (stored !== undefined) return stored
    if (mode === 'empty') return EMPTY_BODY
    if (mode === 'generate') return bodyOf(generatedBodyFor(projectId, transactionId))
    return undefined
  }
}
