import type { AuthOutcome } from '../../schemas/journal.js'
import type { SignedRequest } from '../../runtime/wire/aksk-signature.js'
import { errors, type AuthFailureReason, type CloudError } from '../../errors.js'

/** The parts of a request an authenticator may read: those an AK/SK signature covers. */
export type AuthRequest = SignedRequest

/** The verdict; `ok: false` comes with a `reason`. */
export type AuthVerdict = AuthOutcome & {
  /** Why the request was refused, as a code (metrics count it; the catalogue words the 401). */
  reason?: AuthFailureReason
  /** For token_expired: when the token expired (epoch ms), which the gateway's wording names. */
  expiredAt?: number
  /** What exactly was wrong, for the log: the client sees only the gateway's wording. Never a secret. */
  detail?: string
  /** The canonical request the emulator computed when a signature did not match (secret header values redacted). */
  canonicalRequest?: string
  /** Who the call counts against (throttling's `user`): the AK, or `token:` and a hash of the token; set on an accepted call that names one. */
  caller?: string
}

export type Authenticator = ((request: AuthRequest) => AuthVerdict) & {
  /** Forgets per-run state such as AK lockouts (the emulator's reset). */
  reset?: () => void
  /** Reads the request body before deciding (strict: the body's hash is signed). */
  needsBody?: boolean
}

/** The catalogue's 401 for a refusal. */
export function authError ({ reason = 'bad_signature', expiredAt }: AuthVerdict): CloudError {
  return errors.authFailed(reason, expiredAt)
}

/** The verdict as the journal keeps it: only these three fields. */
export function authOutcome ({ scheme, principal, ok }: AuthVerdict): AuthOutcome {
  return principal === undefined ? { scheme, ok } : { scheme, principal, ok }
}

export type { AuthOutcome }
