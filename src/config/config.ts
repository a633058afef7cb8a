import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ConfigError } from './error.js'
import { readFlags, type FlagSpec } from './flags.js'
import { parseGrammar } from './grammars.js'
import { resolveConfig } from './resolve.js'
import { ConfigSchema, describeRule, FLAGS, shown, type Config, type ConfigKey, type ParsedFlags } from './schema.js'

export { ConfigError, resolveConfig }
export { helpText } from './help.js'
export { BUNDLED_FIXTURES, type Config, type ConfigOptions } from './schema.js'

// Checked with TypeBox's Value, which reads the schema as it is: compiling it with Ajv took longer
// than the rest of start-up before the first request, for a check that runs once.

// Whole decimal numbers only: Value.Convert reads `1.5` and `1e3` as 1 and `0x10` as 16.
const DECIMAL_INTEGER = /^[+-]?\d+$/

/**
 * Flags whose text has a grammar of its own, parsed where it is known whether a flag or a variable
 * gave it. --cors is parsed by resolveConfig, after the TLS checks, and named --cors whatever gave
 * it: as it always was.
 */
const NAMED_GRAMMARS = new Set<ConfigKey>(['rateLimit', 'latency', 'allowedHosts'])

function convert (key: ConfigKey, raw: unknown, source: string, parsed: ParsedFlags): unknown {
  const schema: TSchema = ConfigSchema.properties[key]
  const value = Value.Convert(schema, raw)
  const whole = schema.type !== 'integer' || typeof raw !== 'string' || DECIMAL_INTEGER.test(raw.trim())
  if (whole && Value.Check(schema, value)) {
    // Parsed here, so the error names the flag or variable; resolveConfig keeps the value.
    if (NAMED_GRAMMARS.has(key)) Object.assign(parsed, parseGrammar(key as 'rateLimit' | 'latency' | 'allowedHosts', value as string, source))
    return value
  }
  throw new ConfigError(`invalid ${source}${shown(key, raw)}: ${describeRule(schema)}`)
}

/** The flags without a value, and what each sets. */
const SWITCHES: Record<string, Partial<Record<ConfigKey, unknown>>> = {
  'no-fixtures': { fixtures: false },
  'no-prefer': { prefer: false },
  'no-fast-path': { fastPath: false },
  record: { record: true }
}
const BY_FLAG = new Map(FLAGS.map((f) => [f.flag, f]))
const MAIN_VERB: FlagSpec = {
  values: FLAGS.map(({ flag }) => flag),
  switches: Object.keys(SWITCHES),
  unknown: unknownArgument,
  needsValue: (name: string) => `--${name} needs a value`
}

/** Reads flags (which win) and WKS_EMULATOR_* variables into a validated, frozen config. */
export function parseConfig (argv: string[], env: NodeJS.ProcessEnv = {}): Readonly<Config> {
  const raw: Partial<Record<ConfigKey, unknown>> = {}
  const parsed: ParsedFlags = {}
  for (const { key, env: name } of FLAGS) {
    const value = env[name]
    if (value !== undefined && value !== '') raw[key] = convert(key, value, name, parsed)
  }
  if (env.WKS_EMULATOR_CREDENTIALS) raw.credentialsJson = env.WKS_EMULATOR_CREDENTIALS
  // Read as the other switches are (prefer's schema is a plain boolean): a value that is neither true
  // nor false is refused, not silently taken to mean "seed the fixtures".
  const noFixtures = env.WKS_EMULATOR_NO_FIXTURES
  if (noFixtures !== undefined && noFixtures !== '' && convert('prefer', noFixtures, 'WKS_EMULATOR_NO_FIXTURES', parsed) === true) raw.fixtures = false
  if (env.WKS_EMULATOR_PREFER !== undefined) raw.prefer = convert('prefer', env.WKS_EMULATOR_PREFER, 'WKS_EMULATOR_PREFER', parsed)
  if (env.WKS_EMULATOR_FAST_PATH !== undefined) raw.fastPath = convert('fastPath', env.WKS_EMULATOR_FAST_PATH, 'WKS_EMULATOR_FAST_PATH', parsed)
  if (env.WKS_EMULATOR_RECORD !== undefined) raw.record = convert('record', env.WKS_EMULATOR_RECORD, 'WKS_EMULATOR_RECORD', parsed)

  for (const arg of readFlags(MAIN_VERB, argv)) {
    if (arg.kind === 'switch') Object.assign(raw, SWITCHES[arg.name])
    else if (arg.kind === 'value') {
      const { key } = BY_FLAG.get(arg.name)!
      raw[key] = convert(key, arg.value, `--${arg.name}`, parsed)
    }
  }
  return resolveConfig(raw, parsed)
}

/** Only the flag's name is repeated: what follows `=` may be a secret typed under a mistyped name. */
function unknownArgument (arg: string, index: number): string {
  const name = /^--?[^=\s]*/.exec(arg)?.[0]
  if (name === undefined || name === '-' || name === '--') return `unexpected argument ${index + 1} (flags start with --; see --help)`
  const printable = /^[\x21-\x7e]{1,64}$/.test(name) ? name : JSON.stringify(name.slice(0, 64))
  return `unknown flag ${printable} (see --help)`
}
