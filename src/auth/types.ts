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

export type AuthVerdict = AuthOutcome & {
  error?: CloudError
  /** Why a request was refused, for the log: the client sees only the gateway's wording. Never a secret. */
  reason?: string
  /** The canonical request the emulator computed when a signature did not match (secret header values redacted). */
  canonicalRequest?: string
}

export type Authenticator = ((request: AuthRequest) => AuthVerdict) & {
  /** Forgets per-run state such as AK lockouts (the emulator's reset). */
  reset?: () => void
  /** Reads the request body before deciding (strict: the body's hash is signed). */
  needsBody?: boolean
}

/** The verdict as the journal keeps it: only these three fields. */
export function authOutcome ({ scheme, principal, ok }: AuthVerdict): AuthOutcome {
  return principal === undefined ? { scheme, ok } : { scheme, principal, ok }
}
