import { ConfigError } from './error.js'
import { parseCorsOrigins, type CorsPolicy } from './cors-flag.js'
import { parseLatencyFlag } from './latency-flag.js'
import { parseRateLimitFlag } from './rate-limit-flag.js'
import type { Latency } from '../schemas/latency.js'
import type { RateLimits } from '../schemas/rate-limits.js'

/**
 * The values of the flags whose text has a grammar of its own, parsed once at start: what the app
 * runs on. Each is present exactly when its text is (`rateLimit`, `latency`, `cors`).
 */
export interface ParsedFlags {
  rateLimitPolicies?: RateLimits
  latencyDistribution?: Latency
  corsPolicy?: CorsPolicy
}

export type GrammarKey = 'rateLimit' | 'latency' | 'cors'

// The one module that calls the three parsers (test/architecture.test.ts holds it to that).
const GRAMMARS: Record<GrammarKey, (text: string, source: string) => ParsedFlags> = {
  rateLimit: (text, source) => ({ rateLimitPolicies: parseRateLimitFlag(text, source) }),
  latency: (text, source) => ({ latencyDistribution: parseLatencyFlag(text, source) }),
  cors: (text, source) => {
    try {
      return { corsPolicy: parseCorsOrigins(text) }
    } catch (err) {
      throw new ConfigError(`invalid ${source} ${JSON.stringify(text)}: ${(err as Error).message}`)
    }
  }
}

const FLAG_NAMES: Record<GrammarKey, string> = { rateLimit: '--rate-limit', latency: '--latency', cors: '--cors' }

/** The text of one grammar flag as its value; a ConfigError names `source`, the flag or variable that gave it. */
export const parseGrammar = (key: GrammarKey, text: string, source = FLAG_NAMES[key]): ParsedFlags => GRAMMARS[key](text, source)
