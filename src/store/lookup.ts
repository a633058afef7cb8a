import type { Config } from '../config.js'
import { errors } from '../errors.js'
import { bodyOf } from './record-body.js'
import { generatedBodyFor } from './generate-record.js'
import type { TransactionStore } from './transactions.js'

const EMPTY_BODY = '{"stages":[]}'

/** The JSON body served for a transaction, stored or per `--unknown-transaction`; throws the catalogue's not-found. */
export function createLookup (store: TransactionStore, mode: Config['unknownTransaction']) {
  return (projectId: string, transactionId: string): string => {
    const stored = store.getBody(projectId, transactionId)
    if (stored !== undefined) return stored
    if (mode === 'empty') return EMPTY_BODY
    if (mode === 'generate') return bodyOf(generatedBodyFor(projectId, transactionId))
    throw errors.transactionNotFound(projectId, transactionId)
  }
}
