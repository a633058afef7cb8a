import type { IncomingHttpHeaders } from 'node:http'
import type { CloudError } from '../errors.js'

/** What the journal records of a request's authentication; never a secret. */
export interface AuthOutcome {
  scheme: 'none' | 'token' | 'aksk'
  principal?: string
  ok: boolean
}

/** The parts of a request an authenticator may read. */
export interface AuthRequest {
  method: string
  /** The raw request target as received: path and query, still percent-encoded. */
  url: string
  headers: IncomingHttpHeaders
  body?: Buffer
}

export type AuthVerdict = AuthOutcome & { error?: CloudError }
export type Authenticator = (request: AuthRequest) => AuthVerdict
