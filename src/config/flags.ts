import { parseArgs, type ParseArgsConfig } from 'node:util'
import { ConfigError } from './error.js'

/** What one CLI verb accepts, and its own words for a mistake. */
export interface FlagSpec {
  /** Flags that take a value, `--name value` or `--name=value`, by name. */
  values: readonly string[]
  /** Flags that take none. */
  switches?: readonly string[]
  /** Whether bare arguments (a lone `-x` among them) belong to the verb; else each is unknown. */
  positionals?: boolean
  /** A value that counts as missing, besides none at all and the next flag taken for one. */
  missing?: (value: string) => boolean
  /** The line for an argument that is none of the verb's flags; `index` counts from 0. */
  unknown: (arg: string, index: number) => string
  /** The line for a flag given without its value. */
  needsValue: (name: string) => string
}

export type Arg =
  | { kind: 'value', name: string, value: string }
  | { kind: 'switch', name: string }
  | { kind: 'positional', value: string }

/**
 * The arguments of one CLI verb, in order, split by node:util's parseArgs. A mistake is thrown as
 * a ConfigError when it is reached, so a caller that checks each value as it comes reports the
 * first mistake of the command line, whichever kind it is.
 */
export function * readFlags (spec: FlagSpec, argv: readonly string[]): Generator<Arg> {
  const switches = new Set(spec.switches)
  const options: ParseArgsConfig['options'] = {}
  for (const name of spec.values) options[name] = { type: 'string' }
  for (const name of switches) options[name] = { type: 'boolean' }
  // Lenient, so that every mistake is told in the verb's own words rather than parseArgs's.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true })
  let last = -1
  for (const token of tokens) {
    // `-abc` is three tokens of one argument.
    if (token.index === last) continue
    last = token.index
    const arg = argv[token.index]
    const unknown = (): ConfigError => new ConfigError(spec.unknown(arg, token.index))
    if (token.kind === 'positional' || (token.kind === 'option' && !arg.startsWith('--'))) {
      if (spec.positionals !== true) throw unknown()
      yield { kind: 'positional', value: arg }
    } else if (token.kind === 'option-terminator' || !Object.hasOwn(options, token.name)) {
      throw unknown()
    } else if (switches.has(token.name)) {
      if (token.value !== undefined) throw unknown()
      yield { kind: 'switch', name: token.name }
    } else {
      const { value, inlineValue } = token
      if (value === undefined || (inlineValue !== true && value.startsWith('--')) || spec.missing?.(value) === true) {
        throw new ConfigError(spec.needsValue(token.name))
      }
      yield { kind: 'value', name: token.name, value }
    }
  }
}

/** One row of a --help table: each cell but the last padded to its column's width. */
export const helpRow = (widths: readonly number[], ...cells: string[]): string =>
  '  ' + cells.map((cell, i) => i < cells.length - 1 ? cell.padEnd(widths[i]) : cell).join(' ')
