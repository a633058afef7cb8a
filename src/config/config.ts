import { isIP } from 'node:net'
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ConfigError } from './error.js'
import { packagePath } from './package-root.js'
import { parseLatencyFlag } from '../api/faults/latency.js'
import { MAX_CLOCK_OFFSET_MS } from '../schemas/clock.js'
import { AUTH_MODES } from '../schemas/auth-mode.js'
import { parseCorsOrigins } from '../api/cors/policy.js'
import { stringEnum } from '../schemas/string-enum.js'
import { parseRateLimitFlag } from '../api/throttle/policies.js'

export { ConfigError }

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
  tls: Type.Optional(stringEnum(['self-signed'], { description: 'Serve HTTPS with a certificate made (and, with a file --db, kept) by the emulator.' })),
  tlsCert: Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate (chain) file: serve HTTPS on --port; needs --tls-key.' })),
  tlsKey: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key file of --tls-cert.' })),
  tlsCertOut: Type.Optional(Type.String({ minLength: 1, description: 'Where --tls self-signed writes its certificate for clients to trust (default: in the temp dir, named on the ready line).' })),
  tlsSan: Type.Optional(Type.String({ minLength: 1, description: 'Extra names (comma list of DNS names or IPs) of the --tls self-signed certificate, beside localhost, 127.0.0.1 and ::1.' }))
}, { additionalProperties: false })
export type Config = Static<typeof ConfigSchema>
export type ConfigKey = keyof Config

interface Flag {
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

// Checked with TypeBox's Value, which reads the schema as it is: compiling it with Ajv took longer
// than the rest of start-up before the first request, for a check that runs once.

/** Values never repeated in a message: a start-up error may end up in a CI log. */
const SECRET_KEYS = new Set<ConfigKey>(['adminToken', 'credentialsJson'])
const shown = (key: ConfigKey, raw: unknown): string => SECRET_KEYS.has(key) ? '' : ` ${JSON.stringify(raw)}`

/** Flags whose text has a grammar of its own, parsed by the concern that reads it. */
const SYNTAX: Partial<Record<ConfigKey, (text: string, source: string) => unknown>> = { rateLimit: parseRateLimitFlag, latency: parseLatencyFlag }

// Whole decimal numbers only: Value.Convert reads `1.5` and `1e3` as 1 and `0x10` as 16.
const DECIMAL_INTEGER = /^[+-]?\d+$/

function convert (key: ConfigKey, raw: unknown, source: string): unknown {
  const schema: TSchema = ConfigSchema.properties[key]
  const value = Value.Convert(schema, raw)
  const whole = schema.type !== 'integer' || typeof raw !== 'string' || DECIMAL_INTEGER.test(raw.trim())
  if (whole && Value.Check(schema, value)) {
    // Checked here, where it is known whether a flag or a variable gave the text, so the error names it.
    SYNTAX[key]?.(value as string, source)
    return value
  }
  const rule = describeRule(schema)
  throw new ConfigError(`invalid ${source}${shown(key, raw)}: ${rule}`)
}

function describeRule (schema: TSchema): string {
  if (typeof schema.rule === 'string') return schema.rule
  if (Array.isArray(schema.enum)) return `expected one of ${schema.enum.join(', ')}`
  if (schema.type === 'integer') return `expected an integer from ${schema.minimum} to ${schema.maximum}`
  if (schema.type === 'number') return `expected a number from ${schema.minimum} to ${schema.maximum}`
  if (schema.pattern !== undefined) return 'expected visible ASCII characters (no spaces)'
  if (schema.type === 'boolean') return 'expected true or false'
  return 'expected a non-empty string'
}

/** Reads flags (which win) and WKS_EMULATOR_* variables into a validated, frozen config. */
export function parseConfig (argv: string[], env: NodeJS.ProcessEnv = {}): Readonly<Config> {
  const raw: Partial<Record<ConfigKey, unknown>> = {}
  for (const { key, env: name } of FLAGS) {
    const value = env[name]
    if (value !== undefined && value !== '') raw[key] = convert(key, value, name)
  }
  if (env.WKS_EMULATOR_CREDENTIALS) raw.credentialsJson = env.WKS_EMULATOR_CREDENTIALS
  // Read as the other switches are (prefer's schema is a plain boolean): a value that is neither true
  // nor false is refused, not silently taken to mean "seed the fixtures".
  const noFixtures = env.WKS_EMULATOR_NO_FIXTURES
  if (noFixtures !== undefined && noFixtures !== '' && convert('prefer', noFixtures, 'WKS_EMULATOR_NO_FIXTURES') === true) raw.fixtures = false
  if (env.WKS_EMULATOR_PREFER !== undefined) raw.prefer = convert('prefer', env.WKS_EMULATOR_PREFER, 'WKS_EMULATOR_PREFER')
  if (env.WKS_EMULATOR_FAST_PATH !== undefined) raw.fastPath = convert('fastPath', env.WKS_EMULATOR_FAST_PATH, 'WKS_EMULATOR_FAST_PATH')
  if (env.WKS_EMULATOR_RECORD !== undefined) raw.record = convert('record', env.WKS_EMULATOR_RECORD, 'WKS_EMULATOR_RECORD')

  const byFlag = new Map(FLAGS.map((f) => [f.flag, f]))
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--no-fixtures') { raw.fixtures = false; continue }
    if (arg === '--no-prefer') { raw.prefer = false; continue }
    if (arg === '--no-fast-path') { raw.fastPath = false; continue }
    if (arg === '--record') { raw.record = true; continue }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg)
    const flag = match ? byFlag.get(match[1]) : undefined
    // Only the flag's name is repeated: what follows `=` may be a secret typed under a mistyped name.
    if (!match || !flag) throw new ConfigError(unknownArgument(arg, i))
    let value = match[2]
    if (value === undefined) {
      value = argv[++i]
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`--${flag.flag} needs a value`)
    }
    raw[flag.key] = convert(flag.key, value, `--${flag.flag}`)
  }
  return resolveConfig(raw)
}

function unknownArgument (arg: string, index: number): string {
  const name = /^--?[^=\s]*/.exec(arg)?.[0]
  if (name === undefined || name === '-' || name === '--') return `unexpected argument ${index + 1} (flags start with --; see --help)`
  const printable = /^[\x21-\x7e]{1,64}$/.test(name) ? name : JSON.stringify(name.slice(0, 64))
  return `unknown flag ${printable} (see --help)`
}

/** Fills defaults and validates; used by the CLI and by startEmulator(). */
export function resolveConfig (partial: Partial<Record<ConfigKey, unknown>>): Readonly<Config> {
  const config: Record<string, unknown> = Value.Default(ConfigSchema, Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined))) as Record<string, unknown>
  if (!Value.Check(ConfigSchema, config)) {
    const key = Value.Errors(ConfigSchema, config).First()?.path.split('/')[1] ?? ''
    const known = key in ConfigSchema.properties
    throw new ConfigError(known
      ? `invalid option ${key}${shown(key as ConfigKey, config[key])}: ${describeRule(ConfigSchema.properties[key as ConfigKey])}`
      : `unknown option ${key}`)
  }
  // Parsed here so a bad value stops start-up with one line before anything is opened; buildApp parses again.
  if (config.rateLimit !== undefined) parseRateLimitFlag(config.rateLimit)
  if (config.latency !== undefined) parseLatencyFlag(config.latency)
  checkTls(config as Config)
  if (config.cors !== undefined) {
    try {
      parseCorsOrigins(config.cors as string)
    } catch (err) {
      throw new ConfigError(`invalid --cors ${JSON.stringify(config.cors)}: ${(err as Error).message}`)
    }
  }
  if (config.workers > 1 && config.db === ':memory:') {
    throw new ConfigError(`--workers ${config.workers} needs a file --db: each worker would have a :memory: database of its own`)
  }
  if (config.unknownTransaction === 'proxy' && config.upstream === undefined) {
    throw new ConfigError('--unknown-transaction proxy needs --upstream URL, the service to forward to')
  }
  if ((config.record || config.upstreamCredentials !== undefined) && config.unknownTransaction !== 'proxy') {
    throw new ConfigError(`${config.record ? '--record' : '--upstream-credentials'} needs --unknown-transaction proxy`)
  }
  return Object.freeze(config as Config)
}

/** What a flag accepts, for --help: the enum's values or the number's range. */
function acceptedValues (schema: TSchema): string {
  if (Array.isArray(schema.enum)) return ` Values: ${schema.enum.join(', ')}.`
  if (schema.type === 'integer' || schema.type === 'number') return ` Values: ${schema.minimum} to ${schema.maximum}.`
  return ''
}

/** TLS flags that only make sense together, or not at all. */
function checkTls ({ tls, tlsCert, tlsKey, tlsCertOut, tlsSan }: Config): void {
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new ConfigError('--tls-cert and --tls-key go together')
  if (tls !== undefined && tlsCert !== undefined) throw new ConfigError('--tls self-signed and --tls-cert/--tls-key exclude each other')
  if (tls === undefined && tlsCertOut !== undefined) throw new ConfigError('--tls-cert-out needs --tls self-signed')
  if (tls === undefined && tlsSan !== undefined) throw new ConfigError('--tls-san needs --tls self-signed')
  if (tlsSan !== undefined) {
    for (const name of tlsSan.split(',')) {
      if (isIP(name.trim()) === 0 && !isDnsName(name.trim())) throw new ConfigError(`invalid --tls-san ${JSON.stringify(name.trim())}: expected a DNS name or an IP address`)
    }
  }
}

// Labels of letters, digits and hyphens (RFC 1123), a leading `*.` allowed.
const DNS_NAME = /^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

/**
 * A host name a certificate can name: RFC 1123 labels, at most 253 characters, and a last label
 * that is not all digits (RFC 3696 §2), so a mistyped address such as 999.1.1.1 is not taken for a name.
 */
const isDnsName = (name: string): boolean => name.length <= 253 && DNS_NAME.test(name) && !/(?:^|\.)\d+$/.test(name)

export function helpText (): string {
  // As wide as the longest variable, so every description starts in one column.
  const width = Math.max(...FLAGS.map(({ env }) => env.length))
  const rows = FLAGS.map(({ key, flag, env }) => {
    const schema: TSchema = ConfigSchema.properties[key]
    const def = schema.default === undefined ? '' : ` (default ${key === 'fixtures' ? 'fixtures/' : schema.default})`
    return `  --${flag.padEnd(22)} ${env.padEnd(width)} ${schema.description}${acceptedValues(schema)}${def}`
  })
  return [
    'Usage: wks-emulator [flags]',
    '',
    'Emulates GET /v2/{project_id}/statistics/metrics/access-stages (Huawei Cloud Workspace).',
    'Every flag can also be set by the environment variable beside it; a flag wins.',
    '',
    ...rows,
    `  ${'--no-fixtures'.padEnd(24)} ${'WKS_EMULATOR_NO_FIXTURES=1'.padEnd(width)} Start with no seeded data.`,
    `  ${'--no-prefer'.padEnd(24)} ${'WKS_EMULATOR_PREFER=false'.padEnd(width)} Ignore Prefer: code=/delay= headers.`,
    `  ${'--no-fast-path'.padEnd(24)} ${'WKS_EMULATOR_FAST_PATH=0'.padEnd(width)} Send every request through Fastify (for comparing; same answers, slower).`,
    `  ${'--record'.padEnd(24)} ${'WKS_EMULATOR_RECORD=true'.padEnd(width)} With proxy: store every upstream 200 as a run-time change.`,
    `  ${' '.repeat(24)} ${'WKS_EMULATOR_CREDENTIALS'.padEnd(width)} The credentials JSON itself, instead of a file.`,
    `  ${'--version'.padEnd(24)} Print the version.`,
    `  ${'--help'.padEnd(24)} Show this text.`,
    '',
    'wks-emulator generate --count N --projects P --seed S (--out FILE.json | --db FILE.sqlite)',
    '  writes realistic records to load with --fixtures or serve with --db; see generate --help.',
    'wks-emulator export --db FILE [--project-id ID] [--out FILE.json]',
    'wks-emulator import FILE.json --db FILE [--project-id ID]',
    '  copy a database\'s state (records, fault rules) to a snapshot document and back, without a server.',
    ''
  ].join('\n')
}
