import { closeSync, existsSync, openSync, writeSync } from 'node:fs'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { ConfigError } from '../config/error.js'
import { readStartupFile } from '../config/json-file.js'
import { readFlags, type FlagSpec } from '../config/flags.js'
import { resolveConfig } from '../config/config.js'
import { FaultRuleError } from '../api/faults/rule-check.js'
import { createEmulatorState } from '../api/state.js'
import { ProjectIdSchema } from '../schemas/access-stages.js'
import { compileStrict } from '../schemas/validator.js'
import { openDb, type Db } from '../store/db.js'
import { claimDatabase } from '../store/lock.js'
import { exportState } from '../control/snapshot/export.js'
import { checkStateDocument, documentProblem, schemaProblem } from '../control/snapshot/import.js'

export function snapshotHelp (): string {
  return [
    'Usage: wks-emulator export --db FILE [--project-id ID] [--out FILE.json]',
    '       wks-emulator import FILE.json --db FILE [--project-id ID]',
    '',
    'export writes the state of a database file (records and fault rules; one project\'s with --project-id)',
    'as the document GET /_emulator/state serves, to --out or stdout. import replaces that state with such',
    'a document, all or nothing, as PUT /_emulator/state does. Neither starts a server; the database must',
    'not be in use by a running emulator.',
    ''
  ].join('\n')
}

interface SnapshotArgs { db: string, out?: string, projectId?: string, file?: string }

const checkProject = compileStrict<string>(ProjectIdSchema)

function parseArgs (command: string, argv: string[]): SnapshotArgs {
  const named: Record<string, string> = {}
  const positional: string[] = []
  const verb: FlagSpec = {
    values: ['db', 'out', 'project-id'],
    positionals: true,
    unknown: (arg: string) => `${command}: unknown argument ${JSON.stringify(arg)} (see ${command} --help)`,
    needsValue: (name: string) => `${command}: --${name} needs a value`,
    // Every value here names a file or a project: an empty one names none.
    missing: (value: string) => value === '' || value.startsWith('--')
  }
  for (const arg of readFlags(verb, argv)) {
    if (arg.kind === 'value') named[arg.name] = arg.value
    else if (arg.kind === 'positional') positional.push(arg.value)
  }
  if (named.db === undefined || named.db === ':memory:') throw new ConfigError(`${command}: --db FILE is required (a database file)`)
  if (named['project-id'] !== undefined && !checkProject(named['project-id'])) throw new ConfigError(`${command}: invalid --project-id: must match ${ProjectIdSchema.pattern}`)
  if (command === 'import' ? positional.length !== 1 : positional.length !== 0) {
    throw new ConfigError(command === 'import' ? 'import: give exactly one document file' : `export: unexpected argument ${JSON.stringify(positional[0])}`)
  }
  if (command === 'export' && named.out !== undefined && named.out === named.db) throw new ConfigError('export: --out must not be the database')
  return { db: named.db, out: named.out, projectId: named['project-id'], file: positional[0] }
}

/** The app's own state on a database file, without seeding anything into it. */
function stateOf (db: Db) {
  return createEmulatorState(db, resolveConfig({ fixtures: false }), [], [], { seed: false })
}

/** The database, claimed as an emulator claims it: refused while one serves the file. */
function openClaimed (command: string, file: string, mustExist: boolean): { db: Db, release: () => void } {
  if (mustExist && !existsSync(file)) throw new ConfigError(`${command}: database ${file}: no such file`)
  const claim = claimDatabase(file)
  try {
    const db = openDb(file)
    return { db, release: () => { db.close(); claim.release() } }
  } catch (err) {
    claim.release()
    throw err
  }
}

/** Writes the chunks with backpressure: at most one page waits in memory. */
async function writeAll (out: Writable, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain')
}

/** `wks-emulator export …`: streams the document out a page at a time; resolves to the summary line. */
export async function runExport (argv: string[]): Promise<string> {
  const args = parseArgs('export', argv)
  const { db, release } = openClaimed('export', args.db, true)
  try {
    const state = stateOf(db)
    if (args.out === undefined) await writeAll(process.stdout, exportState(state, args.projectId))
    else {
      // A file takes each page at once: no stream buffering between the store and the disk.
      const fd = openSync(args.out, 'w')
      try {
        for (const chunk of exportState(state, args.projectId)) writeSync(fd, chunk)
      } finally {
        closeSync(fd)
      }
    }
    return `exported ${state.transactions.count(args.projectId)} records and ${state.faults.rules(args.projectId).length} fault rules from database ${args.db}${args.out === undefined ? '' : ` to ${args.out}`}\n`
  } finally {
    release()
  }
}

/** `wks-emulator import FILE …`: validates the whole document, then replaces the state in one transaction. */
export function runImport (argv: string[]): string {
  const args = parseArgs('import', argv)
  // The one guarded loader: a device, FIFO or document over 256 MiB is refused before it is read.
  const text = readStartupFile(args.file!, 'import: document')
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new ConfigError(`import: document ${args.file}: not valid JSON`)
  }
  if (!checkStateDocument(data)) throw new ConfigError(`import: document ${args.file}: ${schemaProblem()}`)
  const { db, release } = openClaimed('import', args.db, false)
  try {
    const state = stateOf(db)
    const others = args.projectId === undefined ? [] : state.faults.rules().filter((r) => r.match?.project_id !== args.projectId)
    const problem = documentProblem(data, args.projectId, others)
    if (problem !== undefined) throw new ConfigError(`import: document ${args.file}: ${problem}`)
    let counts
    try {
      counts = state.replace(args.projectId, data.transactions, data.faults)
    } catch (err) {
      throw err instanceof FaultRuleError ? new ConfigError(`import: document ${args.file}: ${err.message}`) : err
    }
    db.pragma('wal_checkpoint(TRUNCATE)')
    return `imported ${counts.transactions} records and ${counts.faults} fault rules into database ${args.db}\n`
  } finally {
    release()
  }
}

/** The `export` and `import` subcommands; the summary goes to stderr when the document goes to stdout. */
export async function runSnapshotCommand (command: 'export' | 'import', argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(snapshotHelp())
    return
  }
  try {
    if (command === 'import') process.stdout.write(runImport(argv))
    else {
      const toStdout = !argv.some((a) => a === '--out' || a.startsWith('--out='))
      const summary = await runExport(argv)
      ;(toStdout ? process.stderr : process.stdout).write(summary)
    }
  } catch (err) {
    // A file that is not a database, a path that cannot be written: the user's to fix, in one line.
    const { code, message } = err as NodeJS.ErrnoException
    if (err instanceof ConfigError || code === undefined) throw err
    throw new ConfigError(`${command}: ${message} (${code})`)
  }
}
