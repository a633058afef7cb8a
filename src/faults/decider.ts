import type { IncomingHttpHeaders } from 'node:http'
import { CloudError, errorForStatus } from '../errors.js'
import type { Rng } from '../random.js'
import type { FaultAction } from '../schemas/faults.js'
import type { TransactionKey } from '../wire/http.js'
import { preferFault, type FaultDecision } from './select.js'
import type { FaultStore } from './store.js'

export interface FaultDeciderOptions {
  faults: FaultStore
  rng: Rng
  prefer: boolean
}

export type FaultDecider = (key: TransactionKey, headers: IncomingHttpHeaders) => FaultDecision | undefined

/** The fault for one emulated-API request: a Prefer header's (unless --no-prefer), else the rules'. */
export function createFaultDecider ({ faults, rng, prefer }: FaultDeciderOptions): FaultDecider {
  return (key, headers) => (prefer ? preferFault(headers.prefer) : undefined) ?? faults.select(key, headers, rng)
}

/** The catalogue's answer for the rule's status, with the rule's own code and message where given. */
export function errorFromAction (action: FaultAction): CloudError {
  const base = errorForStatus(action.status ?? 500)
  return new CloudError(base.statusCode, action.error_code ?? base.errorCode, action.error_msg ?? base.message)
}
