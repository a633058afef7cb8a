import cliProgress from 'cli-progress'
import { ConfigError } from '../../config/error.js'
import { helpRow, readFlags, type FlagSpec } from '../../config/flags.js'
import { GenerateOptionsSchema, type GenerateOptions } from '../../schemas/generate.js'
import { compileStrict } from '../../schemas/validator.js'
import { generateRecords } from './records.js'
import { STDOUT, writeDb, writeJson, type Progress } from './write.js'

type Key = keyof GenerateOptions
const KEYS = Object.keys(GenerateOptionsSchema.properties) as Key[]
const INTEGER_KEYS = new Set<Key>(['count', 'projects', 'seed'])

export function generateHelp (): string {
  const rows = KEYS.map((key) => {
    const schema = GenerateOptionsSchema.properties[key]
    const arg = INTEGER_KEYS.has(key) ? `--${key} ${key === 'count' ? 'N' : key === 'projects' ? 'P' : 'S'}` : `--${key} FILE`
    const def = 'default' in schema ? ` (default ${schema.default})` : ''
    return helpRow([18], arg, `${schema.description}${def}`)
  })
  return [
    'Usage: wks-emulator generate --count N --projects P --seed S (--out FILE.json | --db FILE.sqlite)',
    '',
    'Writes realistic access-stage records (sessions that log in, sometimes pass MFA, connect; about one',
    'in eight fails at some phase). Records are streamed, so a million take no more memory than a thousand.',
    '',
    ...rows,
    helpRow([18], '--help', 'Show this text.'),
    ''
  ].join('\n')
}

const check = compileStrict<GenerateOptions>(GenerateOptionsSchema)

const GENERATE_VERB: FlagSpec = {
  values: KEYS,
  // The whole argument is shown: nothing generate takes is a secret.
  unknown: (arg: string) => `generate: unknown argument ${JSON.stringify(arg)} (see generate --help)`,
  needsValue: (name: string) => `generate: --${name} needs a value`,
  missing: (value: string) => value.startsWith('--')
}

/** Reads `--name value` / `--name=value` pairs into validated options; a mistake is one ConfigError line. */
export function parseGenerateArgs (argv: string[]): GenerateOptions {
  const raw: Record<string, unknown> = {}
  for (const arg of readFlags(GENERATE_VERB, argv)) {
    if (arg.kind !== 'value') continue
    const key = arg.name as Key
    raw[key] = INTEGER_KEYS.has(key) && /^\d+$/.test(arg.value) ? Number(arg.value) : arg.value
  }
  for (const key of INTEGER_KEYS) {
    const { default: fallback, minimum, maximum } = GenerateOptionsSchema.properties[key as 'count']
    const value = raw[key] ??= fallback
    if (typeof value !== 'number' || value < minimum! || value > maximum!) {
      throw new ConfigError(`generate: invalid --${key} ${JSON.stringify(value)}: expected an integer from ${minimum} to ${maximum}`)
    }
  }
  if ((raw.out === undefined) === (raw.db === undefined)) throw new ConfigError('generate: give exactly one of --out FILE.json or --db FILE.sqlite')
  if (raw.db === ':memory:') throw new ConfigError('generate: --db needs a file; a :memory: database would vanish on exit')
  if (!check(raw)) throw new ConfigError('generate: invalid options (see generate --help)')
  return raw as GenerateOptions
}

/** A bar on a terminal; elsewhere (CI logs, pipes) nothing until the summary line. */
function progressFor (total: number): { tick: Progress, stop: () => void } {
  if (!process.stderr.isTTY || total === 0) return { tick: () => {}, stop: () => {} }
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'generating |{bar}| {percentage}% {value}/{total} records, {eta_formatted} left',
    hideCursor: true
  }, cliProgress.Presets.shades_classic)
  bar.start(total, 0)
  return { tick: (done) => bar.update(done), stop: () => bar.stop() }
}

/** `wks-emulator generate …`: writes the records and prints one summary line. */
export function runGenerate (argv: string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(generateHelp())
    return
  }
  const options = parseGenerateArgs(argv)
  const started = performance.now()
  const progress = progressFor(options.count)
  const records = generateRecords(options)
  const target = options.db !== undefined ? `database ${options.db}` : options.out === STDOUT ? 'standard output' : `fixtures file ${options.out}`
  let written: number
  try {
    written = options.db !== undefined ? writeDb(options.db, records, progress.tick) : writeJson(options.out!, records, progress.tick)
  } catch (err) {
    // A path that cannot be written, or a file that is not a database: the user's to fix, in one line.
    const { code, message } = err as NodeJS.ErrnoException
    if (code === undefined) throw err
    throw new ConfigError(`generate: cannot write ${target}: ${message}`)
  } finally {
    progress.stop()
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  // With --out - the records are standard output, so the summary goes beside them, to stderr.
  const summary = options.out === STDOUT ? process.stderr : process.stdout
  summary.write(`generated ${written} records in ${options.projects} project(s), seed ${options.seed}, into ${target} in ${seconds} s\n`)
}
