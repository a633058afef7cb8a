import { Type, type Static, type TSchema } from '@sinclair/typebox'
import type { CorsPolicy } from './cors-flag.js'
import type { Latency } from '../schemas/latency.js'
import type { RateLimits } from '../schemas/rate-limits.js'
import { packagePath } from './package-root.js'
import { AUTH_MODES } from '../schemas/auth-mode.js'
import { MAX_CLOCK_OFFSET_MS } from '../schemas/clock.js'
import { stringEnum } from '../schemas/string-enum.js'

/**
 * The values of the flags whose text has a grammar of its own, parsed once at start: what the app
 * runs on. Each is present exactly when its text is (`rateLimit`, `latency`, `cors`, `allowedHosts`).
 */
export interface ParsedFlags {
  rateLimitPolicies?: RateLimits
  latencyDistribution?: Latency
  corsPolicy?: CorsPolicy
  /**
   * Host names (besides `localhost` and IP literals) under which browser requests are answered:
   * `--allowed-hosts` and the names of the `--cors` origins; present when either is given.
   */
  allowedHostNames?: ReadonlySet<string>
}

/** The fixtures shipped with the package, so an installed copy finds them whatever the cwd. */
export const BUNDLED_FIXTURES = packagePath('fixtures') + '/'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const ConfigSchema = Type.Object({
  host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address to bind.' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'Port to bind; 0 picks a free one.' }),
  db: Type.String({ minLength: 1, default: ':memory:', description: 'SQLite file, or :memory:.' }),
  fixtures: Type.Union([Type.String({ minLength: 1 }), Type.Literal(false)], {
    default: BUNDLED_FIXTURES,
    description: 'Fixture file, or directory of *.json files, seeded at start; false (--no-fixtures) seeds nothing.'
  }),
  auth: stringEnum(AUTH_MODES, { default: 'relaxed', description: 'Authentication mode.' }),
  credentials: Type.Optional(Type.String({ minLength: 1, description: 'Credentials JSON file for --auth strict.' })),
  credentialsJson: Type.Optional(Type.String({ minLength: 1, description: 'Credentials JSON itself (env only).' })),
  lockoutThreshold: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Consecutive AK/SK failures that lock the AK (--auth strict; default 5, 0 never locks).' })),
  lockoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400, description: 'How long a locked AK stays locked (default 300).' })),
  unknownTransaction: stringEnum(['error', 'empty', 'generate', 'proxy'], { default: 'error', description: 'Answer for a transaction that is not stored (proxy: ask --upstream).' }),
  upstream: Type.Optional(Type.String({ minLength: 1, pattern: '^https?://[^\\s/?#]+[^\\s?#]*$', rule: 'expected an http:// or https:// URL without query', description: 'Base URL forwarded to by --unknown-transaction proxy, e.g. https://workspace.cn-north-4.myhuaweicloud.com.' })),
  upstreamCredentials: Type.Optional(Type.String({ minLength: 1, description: 'Credentials JSON file (the --credentials format) whose first AK/SK, else token, signs forwarded calls.' })),
  upstreamTimeout: Type.Integer({ minimum: 1, maximum: 300_000, default: 10_000, description: 'Milliseconds to wait for the upstream\'s answer before a 504.' }),
  record: Type.Boolean({ default: false, description: 'Store every upstream 200 as a run-time change (--record).' }),
  journalSize: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 10000, description: 'Request journal capacity (entries).' }),
  logLevel: stringEnum(LOG_LEVELS, { default: 'info', description: 'Log level.' }),
  // RFC 7235 token68 / RFC 9110 field values: a token with spaces, control or non-ASCII bytes could
  // never be presented by a client (nor by the bundled healthcheck), so it is refused at start.
  adminToken: Type.Optional(Type.String({ minLength: 1, pattern: '^[\\x21-\\x7e]+$', description: 'Bearer token required by the control plane (visible ASCII).' })),
  seed: Type.Integer({ minimum: 0, maximum: 4294967295, default: 0, description: 'Seed of the fault-injection PRNG.' }),
  faults: Type.Optional(Type.String({ minLength: 1, description: 'Fault rules JSON file loaded at start.' })),
  prefer: Type.Boolean({ default: true, description: 'Honour Prefer: code=/delay= request headers (--no-prefer turns off).' }),
  rateLimit: Type.Optional(Type.String({ minLength: 1, description: "Throttling policies, e.g. 'api=200/s,user=10/s,ip=600/min' (off when unset)." })),
  latency: Type.Optional(Type.String({ minLength: 1, description: 'Latency of every API answer: fixed:ms=N, uniform:min=N,max=N or lognormal:median=N,sigma=S[,cap=N].' })),
  clockOffset: Type.Integer({ minimum: -MAX_CLOCK_OFFSET_MS, maximum: MAX_CLOCK_OFFSET_MS, default: 0, description: "Shift of the emulator's clock in ms (signature window, expiry, lockouts, throttling)." }),
  fastPath: Type.Boolean({ default: true, description: 'Answer the plain successful lookup in front of Fastify (--no-fast-path sends every request through Fastify).' }),
  workers: Type.Integer({ minimum: 1, maximum: 64, default: 1, description: 'Processes serving one port (node:cluster); above 1 needs a file --db they share.' }),
  shutdownGrace: Type.Number({ minimum: 0, maximum: 300, default: 5, description: 'Seconds requests in flight get to finish on SIGTERM/SIGINT before they are cut.' }),
  cors: Type.Optional(Type.String({ minLength: 1, description: 'Origins allowed to call the API from a browser: a comma list (scheme://host[:port]) or *; the control plane takes only listed origins.' })),
  allowedHosts: Type.Optional(Type.String({ minLength: 1, description: "Host names (comma list) under which browser requests are answered besides localhost and IP addresses (the DNS-rebinding guard); the --cors origins' names count as listed." })),
  tls: Type.Optional(stringEnum(['self-signed'], { description: 'Serve HTTPS with a certificate made (and, with a file --db, kept) by the emulator.' })),
  tlsCert: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate (chain) file: serve HTTPS on --port; needs --tls-key.' })),
  tlsKey: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key file of --tls-cert.' })),
  tlsCertOut: Type.Optional(Type.String({ minLength: 1, description: 'Where --tls self-signed writes its certificate for clients to trust (default: in the temp dir, named on the ready line).' })),
  tlsSan: Type.Optional(Type.String({ minLength: 1, description: 'Extra names (comma list of DNS names or IPs) of the --tls self-signed certificate, beside localhost, 127.0.0.1 and ::1.' }))
}, { additionalProperties: false })
/** What flags, variables and startEmulator() options say, as the schema states it. */
export type ConfigOptions = Static<typeof ConfigSchema>
export type ConfigKey = keyof ConfigOptions
/** A validated config: the options, and the values parsed from the text of those with a grammar. */
export type Config = ConfigOptions & ParsedFlags

export interface Flag {
  key: ConfigKey
  flag: string
  env: string
}

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())
const envName = (key: string): string => 'WKS_EMULATOR_' + kebab(key).replace(/-/g, '_').toUpperCase()

export const FLAGS: Flag[] = (Object.keys(ConfigSchema.properties) as ConfigKey[])
  .filter((key) => key !== 'credentialsJson' && key !== 'prefer' && key !== 'record' && key !== 'fastPath')
  // The contract puts the credentials JSON itself in WKS_EMULATOR_CREDENTIALS, so file paths get _FILE.
  .map((key) => ({ key, flag: kebab(key), env: key === 'credentials' || key === 'upstreamCredentials' ? `${envName(key)}_FILE` : envName(key) }))

/** Values never repeated in a message: a start-up error may end up in a CI log. */
const SECRET_KEYS = new Set<ConfigKey>(['adminToken', 'credentialsJson'])
export const shown = (key: ConfigKey, raw: unknown): string => SECRET_KEYS.has(key) ? '' : ` ${JSON.stringify(raw)}`

/** The rule a value broke, as a start-up error words it. */
export function describeRule (schema: TSchema): string {
  if (typeof schema.rule === 'string') return schema.rule
  if (Array.isArray(schema.enum)) return `expected one of ${schema.enum.join(', ')}`
  if (schema.type === 'integer') return `expected an integer from ${schema.minimum} to ${schema.maximum}`
  if (schema.type === 'number') return `expected a number from ${schema.minimum} to ${schema.maximum}`
  if (schema.pattern !== undefined) return 'expected visible ASCII characters (no spaces)'
  if (schema.type === 'boolean') return 'expected true or false'
  return 'expected a non-empty string'
}
