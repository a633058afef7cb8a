import type { Config } from '../../config/config.js'
import { loadCredentials } from '../../config/credentials.js'
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
