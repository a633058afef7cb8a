import { Value } from '@sinclair/typebox/value'
import { checkCombinations, checkTls } from './checks.js'
import { withOriginHosts } from './host-names.js'
import { ConfigError } from './error.js'
import { parseGrammar } from './grammars.js'
import { ConfigSchema, describeRule, shown, type Config, type ConfigKey, type ConfigOptions, type ParsedFlags } from './schema.js'

/**
 * Fills defaults, validates, and parses the text of the flags with a grammar of their own into
 * the values the app runs on; used by the CLI and by startEmulator(). `parsed` holds what
 * parseConfig has parsed already, where it knew which flag or variable gave the text.
 */
export function resolveConfig (partial: Partial<Record<ConfigKey, unknown>>, parsed: ParsedFlags = {}): Readonly<Config> {
  const config = Value.Default(ConfigSchema, Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined))) as Record<string, unknown>
  if (!Value.Check(ConfigSchema, config)) {
    const key = Value.Errors(ConfigSchema, config).First()?.path.split('/')[1] ?? ''
    const known = key in ConfigSchema.properties
    throw new ConfigError(known
      ? `invalid option ${key}${shown(key as ConfigKey, config[key])}: ${describeRule(ConfigSchema.properties[key as ConfigKey])}`
      : `unknown option ${key}`)
  }
  const options = config as ConfigOptions
  // Parsed here, once, so a bad value stops start-up with one line before anything is opened.
  const values: ParsedFlags = { ...parsed }
  if (options.rateLimit !== undefined && values.rateLimitPolicies === undefined) Object.assign(values, parseGrammar('rateLimit', options.rateLimit))
  if (options.latency !== undefined && values.latencyDistribution === undefined) Object.assign(values, parseGrammar('latency', options.latency))
  if (options.allowedHosts !== undefined && values.allowedHostNames === undefined) Object.assign(values, parseGrammar('allowedHosts', options.allowedHosts))
  checkTls(options)
  if (options.cors !== undefined) Object.assign(values, parseGrammar('cors', options.cors))
  // A page the user let in by --cors is served under its own name too (same-origin calls).
  if (values.corsPolicy !== undefined) values.allowedHostNames = withOriginHosts(values.allowedHostNames, values.corsPolicy.origins)
  checkCombinations(options)
  return Object.freeze({ ...options, ...values })
}
