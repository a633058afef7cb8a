import { ConfigError } from './error.js'
import { parseAllowedHosts } from './allowed-hosts-flag.js'
import { parseCorsOrigins } from './cors-flag.js'
import { parseLatencyFlag } from './latency-flag.js'
import { parseRateLimitFlag } from './rate-limit-flag.js'
import type { ParsedFlags } from './schema.js'

export type GrammarKey = 'rateLimit' | 'latency' | 'cors' | 'allowedHosts'

// The one module that calls the four parsers (test/architecture.test.ts holds it to that).
const GRAMMARS: Record<GrammarKey, (text: string, source: string) => ParsedFlags> = {
  rateLimit: (text, source) => ({ rateLimitPolicies: parseRateLimitFlag(text, source) }),
  latency: (text, source) => ({ latencyDistribution: parseLatencyFlag(text, source) }),
  cors: (text, source) => {
    try {
      return { corsPolicy: parseCorsOrigins(text) }
    } catch (err) {
      throw new ConfigError(`invalid ${source} ${JSON.stringify(text)}: ${(err as Error).message}`)
    }
  },
  allowedHosts: (text, source) => {
    try {
      return { allowedHostNames: parseAllowedHosts(text) }
    } catch (err) {
      throw new ConfigError(`invalid ${source} ${JSON.stringify(text)}: ${(err as Error).message}`)
    }
  }
}

const FLAG_NAMES: Record<GrammarKey, string> = { rateLimit: '--rate-limit', latency: '--latency', cors: '--cors', allowedHosts: '--allowed-hosts' }

/** The text of one grammar flag as its value; a ConfigError names `source`, the flag or variable that gave it. */
export const parseGrammar = (key: GrammarKey, text: string, source = FLAG_NAMES[key]): ParsedFlags => GRAMMARS[key](text, source)
