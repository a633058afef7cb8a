/**
 * `npm run bench -- --against <git-ref>` (through bench/run.ts): this build beside the build of another
 * commit, on the emulator scenarios of the full benchmark, in the same run. For each scenario both
 * builds' servers are up side by side and measured in turn, A B then B A, so that a drift of the
 * machine weighs on both alike; a row is the median of the rounds' current / reference ratios and is
 * flagged below 0.95. Prints Markdown; writes no file; stops by itself within its time limit.
 * Flags: --against <ref> (or WKS_BENCH_AGAINST) --rounds 4 --duration 4 --warmup 1 --connections 50
 * --records 1000000 --only a-warn,e --generator wrk|autocannon --quick (2 rounds of 1 s, 20,000 records)
 */
import { copyFileSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { buildReference, currentBuild, removeReference } from './lib/builds.js'
import { alternateColdStarts } from './lib/cold-start.js'
import { writeKeyFiles } from './lib/keys.js'
import { pickLoadGenerator, type LoadGenerator, type LoadSpec } from './lib/load.js'
import { describeMachine, runTimed } from './lib/machine.js'
import { pairTable, verdict, type Pair, type PairRow } from './lib/pairs.js'
import { ROUND_ORDER, scenarios, type Scenario } from './lib/scenarios.js'
import { descendants, startServer, type Server } from './lib/servers.js'
import { DOC_PATH } from '../test/documented.js'

const { values: opts } = parseArgs({
  options: {
    against: { type: 'string', default: process.env.WKS_BENCH_AGAINST },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    records: { type: 'string' },
    only: { type: 'string' },
    generator: { type: 'string' }
  }
})
const REF = opts.against!
const ROUNDS = Number(opts.rounds ?? (opts.quick ? 2 : 4))
const DURATION = Number(opts.duration ?? (opts.quick ? 1 : 4))
const WARMUP = Number(opts.warmup)
const CONNECTIONS = Number(opts.connections)
const RECORDS = Number(opts.records ?? (opts.quick ? 20_000 : 1_000_000))
const COLD_STARTS = opts.quick ? 3 : 7
const GENERATED = { records: RECORDS, projects: 100, seed: 1 }
// The bare servers are the same script for both builds: nothing to compare.
const BARE = new Set(['baseline', 'bare-http'])

const root = resolve(import.meta.dirname, '..')
const say = (line: string): void => { process.stdout.write(line + '\n') }
const began = performance.now()
const elapsed = (): string => `${((performance.now() - began) / 1000).toFixed(0)} s`

const dir = mkdtempSync(join(tmpdir(), 'wks-bench-against-'))
const referenceDir = join(dir, 'reference')
const live = new Set<Server>()

async function start (s: Scenario, build: string): Promise<Server> {
  // Both builds bind 127.0.0.1 by default; the environment must not move them.
  const env = { ...s.server.env, WKS_EMULATOR_HOST: '127.0.0.1' }
  const server = await startServer({ ...s.server, env, tls: s.scheme === 'https', logFile: join(dir, `${s.id}-${build}.log`) })
  live.add(server)
  return server
}

async function stop (server: Server): Promise<void> {
  live.delete(server)
  await server.stop()
}

/** Why a server did not start: the last line of its log (an unknown flag is named there). */
const lastLogLine = (s: Scenario, build: string): string =>
  readFileSync(join(dir, `${s.id}-${build}.log`), 'utf8').trim().split('\n').at(-1) ?? ''

async function compare (generator: LoadGenerator): Promise<void> {
  const current = await currentBuild(root)
  say(`current:   ${current.describe}`)
  const reference = await buildReference(root, REF, referenceDir, 600_000)
  say(`[${elapsed()}] reference: ${reference.describe}, built in ${referenceDir}`)

  // One database for (e), made by the current build; the reference reads a copy, so neither sees the other's writes.
  const bigDb = join(dir, 'big.sqlite')
  const generated = await runTimed([current.serverJs, 'generate', '--count', String(RECORDS), '--projects', String(GENERATED.projects), '--seed', String(GENERATED.seed), '--db', bigDb])
  copyFileSync(bigDb, join(dir, 'big-reference.sqlite'), constants.COPYFILE_FICLONE)
  say(`[${elapsed()}] ${generated.stdout.trim()}`)
  const keys = writeKeyFiles(dir, GENERATED)

  const scenariosOf = (serverJs: string, name: string, db: string): Scenario[] => {
    mkdirSync(join(dir, name))
    const bench = join(root, 'bench')
    return scenarios({ dir: join(dir, name), serverJs, bareJs: join(bench, 'bare-fastify.mjs'), bareHttpJs: join(bench, 'bare-node-http.mjs'), bigDb: db, ...keys })
  }
  const only = opts.only?.split(',')
  const pick = (all: Scenario[]): Scenario[] => all.filter((s) => !BARE.has(s.id) && (only === undefined || only.includes(s.id)))
  const mine = pick(scenariosOf(current.serverJs, 'current', bigDb))
  const theirs = new Map(pick(scenariosOf(reference.serverJs, 'reference-files', join(dir, 'big-reference.sqlite'))).map((s) => [s.id, s]))
  const spec = (s: Scenario, server: Server, durationS: number): LoadSpec => {
    const { path, ...rest } = s.load(server.port)
    return { ...rest, url: `${s.scheme ?? 'http'}://127.0.0.1:${server.port}${path}`, durationS, connections: CONNECTIONS }
  }
  const measure = async (s: Scenario, server: Server): Promise<Pair['current']> => {
    if (WARMUP > 0) await generator.run(spec(s, server, WARMUP))
    return await generator.run(spec(s, server, DURATION))
  }

  const rows: PairRow[] = []
  const skipped: string[] = []
  for (const s of mine) {
    const r = theirs.get(s.id)!
    const up: Server[] = []
    try {
      for (const [scenario, build] of [[s, 'current'], [r, 'reference']] as const) {
        try {
          up.push(await start(scenario, build))
        } catch {
          skipped.push(`${s.id}: the ${build} build did not start (\`${scenario.flags.join(' ')}\`): ${lastLogLine(scenario, build)}`)
          say(`[${elapsed()}] skipped ${skipped.at(-1)!}`)
          break
        }
      }
      if (up.length < 2) continue
      const [a, b] = up
      // A longer first warm-up for each: a server's JIT takes seconds of load to reach its top speed,
      // and one still climbing would lose the first round to the other.
      await generator.run(spec(s, a, WARMUP + DURATION))
      await generator.run(spec(r, b, WARMUP + DURATION))
      const pairs: Pair[] = []
      for (let round = 1; round <= ROUNDS; round++) {
        const pair = {} as Pair
        if (round % 2 === 1) { pair.current = await measure(s, a); pair.reference = await measure(r, b) } else { pair.reference = await measure(r, b); pair.current = await measure(s, a) }
        pairs.push(pair)
        say(`[${elapsed()}] ${s.id.padEnd(8)} round ${round}: current ${pair.current.rps.toFixed(0).padStart(6)} req/s, reference ${pair.reference.rps.toFixed(0).padStart(6)} req/s (${(pair.current.rps / pair.reference.rps).toFixed(2)})`)
      }
      rows.push({ id: s.id, label: s.label, pairs, rss: { current: a.peakRssMb(), reference: b.peakRssMb() } })
    } finally {
      for (const server of up) await stop(server)
    }
  }

  const cold = await alternateColdStarts(
    { args: (port) => [current.serverJs, '--port', String(port)], path: DOC_PATH, headers: { 'x-auth-token': 'bench' }, env: { WKS_EMULATOR_HOST: '127.0.0.1' } },
    { args: (port) => [reference.serverJs, '--port', String(port)], path: DOC_PATH, headers: { 'x-auth-token': 'bench' }, env: { WKS_EMULATOR_HOST: '127.0.0.1' } },
    COLD_STARTS)
  const table = pairTable(rows, { current: cold.a, reference: cold.b })
  say([
    '',
    `## Current against ${REF}`,
    '',
    `- Current: ${current.describe}; reference: ${reference.describe}`,
    `- ${describeMachine()}; Node ${process.version}; ${generator.name} ${generator.version}, ${CONNECTIONS} connections, all on 127.0.0.1`,
    `- Per scenario, both servers up side by side; ${ROUNDS} rounds of ${DURATION} s measured after ${WARMUP} s of warm-up each (${WARMUP + DURATION} s before the first), current first in odd rounds and reference first in even ones; (e) reads ${RECORDS.toLocaleString('en')} generated records; whole run ${elapsed()}`,
    '',
    table,
    '',
    ...skipped.map((line) => `- Skipped ${line}`),
    verdict(rows, { current: cold.a, reference: cold.b })
  ].join('\n'))
}

/**
 * Everything this run started is stopped: the servers, and, after a run stopped halfway, any other
 * process below this one (a load generator, a server still starting, a build and the compilers it
 * runs, which would otherwise go on writing into the folder being deleted).
 */
async function cleanUp (halfway: boolean): Promise<void> {
  for (const server of [...live]) await stop(server).catch(() => {})
  for (const pid of halfway ? descendants(process.pid) : []) {
    try { process.kill(pid, 'SIGKILL') } catch {}
  }
  removeReference(referenceDir)
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
}

// Bounded: twice the expected time (servers, warm-ups, measurements, `generate`, the build, cold starts) and ten minutes more.
const scenarioS = 2 * (2 + WARMUP + DURATION + ROUNDS * (WARMUP + DURATION))
const expectedS = (opts.only?.split(',').length ?? new Set(ROUND_ORDER).size - BARE.size) * scenarioS + RECORDS / 20_000 + 90
const limitS = 2 * expectedS + 600
let timer: NodeJS.Timeout | undefined
const stopped = new Promise<never>((_resolve, reject) => {
  timer = setTimeout(() => reject(new Error(`stopped after the time limit of ${(limitS / 60).toFixed(0)} min`)), limitS * 1000)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => reject(new Error(`stopped by ${signal}`)))
})
stopped.catch(() => {}) // handled by the race below; a signal during the clean-up must not crash it
let failed = false
try {
  if (REF === undefined || REF === '') throw new Error('--against needs a git ref, e.g. --against HEAD~1')
  const unknown = opts.only?.split(',').filter((id) => BARE.has(id) || !ROUND_ORDER.includes(id)) ?? []
  if (unknown.length > 0) throw new Error(`--only: no emulator scenario ${unknown.join(', ')} (ids: ${[...new Set(ROUND_ORDER)].filter((id) => !BARE.has(id)).join(', ')})`)
  const generator = await pickLoadGenerator(opts.generator)
  say(`wks-emulator: this build against ${REF}, expected ≈ ${(expectedS / 60).toFixed(0)} min, stops by itself after ${(limitS / 60).toFixed(0)} min; temp dir ${dir}`)
  await Promise.race([compare(generator), stopped])
} catch (err) {
  failed = true
  process.stderr.write(`bench --against: ${(err as Error).message}\n`)
} finally {
  clearTimeout(timer)
  await cleanUp(failed)
}
// A run stopped halfway may still have a step pending; nothing of it is left to wait for.
if (failed) process.exit(1)
