import type { Config } from '../../config/schema.js'
import { loadCredentials } from '../../config/credentials.js'
import { akCaller, callerOf } from './caller.js'
import { allowAll, checkRelaxed } from './relaxed.js'
import { createStrictAuthenticator } from './strict.js'
import type { Authenticator } from './types.js'

/** Body bytes strict auth will buffer to hash; larger is a 413, as the gateway's limit would be. */
export const MAX_SIGNED_BODY = 1024 * 1024

/**
 * The authenticator for `--auth`; for strict, a bad or missing credentials source is a ConfigError.
 * `now` is the emulator's clock (epoch ms), which expiry, the X-Sdk-Date window and lockouts read.
 */
export function createAuthenticator (config: Config, now: () => number = Date.now): Authenticator {
  return identifying(checkerFor(config, now))
}

/**
 * The checker, its accepted verdicts naming the caller: the one place a caller is identified, so
 * throttling counts what authentication saw (whatever the mode, as the gateway counts callers
 * whether or not it checks them).
 */
function identifying (check: Authenticator): Authenticator {
  const identified: Authenticator = (request) => {
    const verdict = check(request)
    if (verdict.ok) {
      // An accepted AK/SK call is its AK's; a token's, or any call's under --auth off, is read off its headers.
      const caller = verdict.scheme === 'aksk' && verdict.principal !== undefined ? akCaller(verdict.principal) : callerOf(request.headers)
      if (caller !== undefined) verdict.caller = caller
    }
    return verdict
  }
  if (check.reset !== undefined) identified.reset = check.reset
  if (check.needsBody !== undefined) identified.needsBody = check.needsBody
  return identified
}

function checkerFor (config: Config, now: () => number): Authenticator {
  switch (config.auth) {
    case 'off': return allowAll
    case 'relaxed': return checkRelaxed
    case 'strict': return createStrictAuthenticator(loadCredentials(config), {
      now,
      lockout: {
        threshold: config.lockoutThreshold,
        durationMs: config.lockoutSeconds === undefined ? undefined : config.lockoutSeconds * 1000
      }
    })
  }
}
