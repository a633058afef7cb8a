import type { ErrorObject } from 'ajv'
import { ConfigError } from './error.js'
import type { Config } from './schema.js'
import { parseStartupJson, readStartupFile } from './json-file.js'
import { CredentialsFileSchema, type CredentialsFile } from '../schemas/credentials.js'
import { checkOnStartup, fieldOf, ruleOf } from '../schemas/validator.js'

export interface AkskEntry {
  sk: string
  securityToken?: string
  /** Epoch ms; the pair is refused from this instant on. */
  expiresAt?: number
}

export interface TokenEntry {
  token: string
  expiresAt?: number
}

/** The credentials `--auth strict` accepts, indexed for lookup. */
export interface Credentials {
  aksk: ReadonlyMap<string, AkskEntry>
  tokens: readonly TokenEntry[]
}

const checkFile = checkOnStartup<CredentialsFile>(CredentialsFileSchema)

// Patterns are spelled out as rules, so the message says what to fix (and never echoes a value).
function ruleFor (error: ErrorObject, field: string): string {
  if (error.keyword !== 'pattern') return ruleOf(error)
  if (field.endsWith('expires_at')) return 'must be an ISO 8601 date-time with a zone, e.g. 2030-01-01T00:00:00Z'
  if (field.endsWith('.ak')) return 'must be visible ASCII characters other than a comma'
  return 'must be visible ASCII characters (no spaces)'
}

function expiry (value: string | undefined, field: string, where: string): number | undefined {
  if (value === undefined) return undefined
  // Date.parse rolls 02-30 over into March; a real date keeps its day, and the clock fields stay in range.
  const [y, mo, d, h, mi, s = 0] = (value.match(/\d+/g) ?? []).slice(0, 6).map(Number)
  const day = new Date(Date.UTC(y, mo - 1, d))
  const ms = Date.parse(value)
  if (Number.isNaN(ms) || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new ConfigError(`${where}: field ${field} is not a real date-time`)
  }
  return ms
}

/** Validates credentials JSON text; `where` names its source in every error. */
export function parseCredentials (text: string, where: string): Credentials {
  const data = parseStartupJson(text, where, { secret: true })
  if (!checkFile(data)) {
    const error = checkFile.errors![0]
    const field = fieldOf(error)
    throw new ConfigError(`${where}: ${field ? `field ${field}` : 'the document'} ${ruleFor(error, field)}`)
  }
  const aksk = new Map<string, AkskEntry>()
  data.aksk?.forEach((c, i) => {
    if (aksk.has(c.ak)) throw new ConfigError(`${where}: field aksk[${i}].ak repeats an earlier AK`)
    aksk.set(c.ak, { sk: c.sk, securityToken: c.security_token, expiresAt: expiry(c.expires_at, `aksk[${i}].expires_at`, where) })
  })
  const seen = new Set<string>()
  const tokens = (data.tokens ?? []).map((c, i) => {
    if (seen.has(c.token)) throw new ConfigError(`${where}: field tokens[${i}].token repeats an earlier token`)
    seen.add(c.token)
    return { token: c.token, expiresAt: expiry(c.expires_at, `tokens[${i}].expires_at`, where) }
  })
  if (aksk.size === 0 && tokens.length === 0) throw new ConfigError(`${where}: no credentials (aksk and tokens are both empty)`)
  return { aksk, tokens }
}

/**
 * The credentials for `--auth strict`: the file (`--credentials`) wins over the JSON in
 * `WKS_EMULATOR_CREDENTIALS`, as a flag wins over the environment. Neither is a start-up error.
 */
export function loadCredentials (config: Pick<Config, 'credentials' | 'credentialsJson'>): Credentials {
  if (config.credentials !== undefined) {
    return parseCredentials(readStartupFile(config.credentials, 'credentials file'), `credentials file ${config.credentials}`)
  }
  if (config.credentialsJson !== undefined) return parseCredentials(config.credentialsJson, 'WKS_EMULATOR_CREDENTIALS')
  throw new ConfigError('--auth strict needs credentials: --credentials FILE, or the JSON itself in WKS_EMULATOR_CREDENTIALS')
}
