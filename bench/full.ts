/**
 * `npm run bench` (through bench/run.ts): the baseline and every emulator scenario under the same load,
 * in alternating rounds, plus cold start, namespace reset and the data generator; writes BENCHMARKS.md.
 * Flags: --rounds 3 --duration 6 --warmup 1 --connections 50 --records 1000000 --generator wrk|autocannon --out BENCHMARKS.md
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { alternateColdStarts } from './lib/cold-start.js'
import { pickLoadGenerator, type LoadSpec } from './lib/load.js'
import { writeKeyFiles } from './lib/keys.js'
import { describeMachine, runTimed } from './lib/machine.js'
import { median, summarise, throughputTable, writeReport, type Measurement } from './lib/report.js'
import { timeNamespaceReset } from './lib/reset.js'
import { DOC_PATH } from '../test/documented.js'
import { BARE_ENV, FIRST_ROUND_ONLY, ROUND_ORDER, scenarios, type Scenario } from './lib/scenarios.js'
import { startServer, type Server } from './lib/servers.js'
import { evaluateTargets } from './lib/targets.js'

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '50' },
    records: { type: 'string', default: '1000000' },
    generator: { type: 'string' },
    out: { type: 'string', default: 'BENCHMARKS.md' }
  }
})
const ROUNDS = Number(opts.rounds)
const DURATION = Number(opts.duration)
const WARMUP = Number(opts.warmup)
const CONNECTIONS = Number(opts.connections)
const RECORDS = Number(opts.records)
const PROJECTS = 100
const SEED = 1
const COLD_STARTS = 7

const root = resolve(import.meta.dirname, '..')
const serverJs = join(root, 'dist/server.js')
const bareJs = join(root, 'bench/bare-fastify.mjs')
const bareHttpJs = join(root, 'bench/bare-node-http.mjs')
const rel = (p: string): string => relative(root, p)
const say = (line: string): void => { process.stdout.write(line + '\n') }
const began = performance.now()
const elapsed = (): string => `${((performance.now() - began) / 1000).toFixed(0)} s`

const dir = mkdtempSync(join(tmpdir(), 'wks-bench-'))
const servers = new Map<string, Server>()
try {
  const machine = describeMachine()
  const generator = await pickLoadGenerator(opts.generator)
  say(`wks-emulator benchmark — ${machine}\nNode ${process.version}, load generator ${generator.name} ${generator.version}, temp dir ${dir}`)

  // (e)'s database, through the CLI as a user would make it.
  const bigDb = join(dir, 'big.sqlite')
  const generateArgs = [serverJs, 'generate', '--count', String(RECORDS), '--projects', String(PROJECTS), '--seed', String(SEED), '--db', bigDb]
  const generated = await runTimed(generateArgs)
  say(`[${elapsed()}] ${generated.stdout.trim()} (peak RSS ${generated.peakRssMb.toFixed(0)} MB)`)

  const { keysFile, fixtureKeysFile } = writeKeyFiles(dir, { records: RECORDS, projects: PROJECTS, seed: SEED })

  const all = scenarios({ dir, serverJs, bareJs, bareHttpJs, bigDb, keysFile, fixtureKeysFile })
  const byId = new Map(all.map((s) => [s.id, s]))
  for (const s of all) {
    servers.set(s.id, await startServer({ ...s.server, tls: s.scheme === 'https', logFile: join(dir, `${s.id}.log`) }))
  }
  say(`[${elapsed()}] ${servers.size} servers up`)

  const specFor = (s: Scenario, durationS: number, port = servers.get(s.id)!.port): LoadSpec => {
    const { path, ...rest } = s.load(port)
    return { ...rest, url: `${s.scheme ?? 'http'}://127.0.0.1:${port}${path}`, durationS, connections: CONNECTIONS }
  }
  const measurements: Measurement[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    let baselineRps = NaN
    for (const id of ROUND_ORDER) {
      if (round > 1 && FIRST_ROUND_ONLY.has(id)) continue
      const s = byId.get(id)!
      // The first round warms each server's JIT longer; later rounds only settle the connections.
      await generator.run(specFor(s, round === 1 ? WARMUP + 1 : WARMUP))
      const result = await generator.run(specFor(s, DURATION))
      if (id === 'baseline') baselineRps = result.rps
      measurements.push({ ...result, scenario: id, round, baselineRps })
      say(`[${elapsed()}] round ${round} ${id.padEnd(8)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms${result.errors ? `  ERRORS ${result.errors}` : ''}`)
    }
  }
  const rss = Object.fromEntries([...servers].map(([id, server]) => [id, server.peakRssMb()]))

  const resetBig = await timeNamespaceReset(servers.get('e')!.url, 7)
  const resetSmall = await timeNamespaceReset(servers.get('a-warn')!.url, 7)
  say(`[${elapsed()}] reset of one namespace: ${median(resetBig).toFixed(2)} ms beside ${RECORDS} other records, ${median(resetSmall).toFixed(2)} ms beside the fixtures`)
  for (const server of servers.values()) await server.stop()
  servers.clear()

  const cold = await alternateColdStarts(
    { args: (port) => [serverJs, '--port', String(port)], path: DOC_PATH, headers: { 'x-auth-token': 'bench' } },
    { args: (port) => [bareJs, String(port)], path: DOC_PATH, env: BARE_ENV },
    COLD_STARTS)
  say(`[${elapsed()}] cold start: emulator ${median(cold.a).toFixed(0)} ms, bare Fastify ${median(cold.b).toFixed(0)} ms`)

  const rows = summarise(all.map(({ id, label }) => ({ id, label })), measurements, rss)
  const targets = evaluateTargets({ measurements, rows, cold, resetBig, records: RECORDS })
  const table = throughputTable(rows)
  const commands = all.map((s) => {
    const bare = new Map([['baseline', bareJs], ['bare-http', bareHttpJs]]).get(s.id)
    const server = bare !== undefined ? `WKS_BENCH_BODY="$DOC_BODY" node ${rel(bare)} PORT` : `node dist/server.js --port PORT ${s.flags.map((f) => f.startsWith(dir) ? f.replace(dir, '$TMP') : f).join(' ')}`.trim()
    const load = generator.command(specFor(s, DURATION, 0)).replaceAll('127.0.0.1:0', '127.0.0.1:PORT').replaceAll(dir, '$TMP').replaceAll(root + '/', '')
    return `# ${s.label}\n${server}\n${load}`
  })
  const report = [
    '## Latest run',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine}`,
    `- Node ${process.version}; load generator ${generator.name} ${generator.version} (${generator.name === 'wrk' ? 'one thread, ' : ''}${CONNECTIONS} connections), all on 127.0.0.1`,
    `- ${ROUNDS} rounds; in each, every scenario gets a ${WARMUP} s warm-up (${WARMUP + 1} s in round 1) then ${DURATION} s measured; the baseline is measured first and again halfway (order: ${ROUND_ORDER.join(', ')}; ${[...FIRST_ROUND_ONLY].join(', ')} in the first round only, to keep the run under five minutes), and each ratio uses the baseline measured last before it in the same round`,
    '- Scenarios (b)–(e) and the workers run at log level `warn`; (a) is shown at both levels. Server output goes to a file, as a container runtime would collect it',
    '- Peak RSS is VmHWM from /proc at the end of the run (for `--workers 2`, the primary and both workers summed)',
    `- Whole run: ${elapsed()}`,
    '',
    table,
    '',
    '### Targets',
    '',
    targets,
    '',
    '### Other measurements',
    '',
    `- Cold start, spawn → first 200 of the documented request, alternated, median of ${COLD_STARTS}: emulator (default config) ${median(cold.a).toFixed(0)} ms, bare-Fastify script ${median(cold.b).toFixed(0)} ms (ratio ${(median(cold.a) / median(cold.b)).toFixed(2)}). Samples: emulator ${cold.a.map((x) => x.toFixed(0)).join(', ')}; bare ${cold.b.map((x) => x.toFixed(0)).join(', ')}`,
    `- Reset of one project namespace (200 records, a fault rule, 20 journal entries) as a client times \`POST /_emulator/reset?project_id=\`, median of 7: ${median(resetBig).toFixed(2)} ms beside ${RECORDS.toLocaleString('en')} records of 100 other projects, ${median(resetSmall).toFixed(2)} ms beside the 13 fixtures`,
    `- \`generate\` of ${RECORDS.toLocaleString('en')} records into a file DB: ${(generated.ms / 1000).toFixed(1)} s, peak RSS ${generated.peakRssMb.toFixed(0)} MB`,
    '',
    '### Exact commands',
    '',
    '```sh',
    `node ${generateArgs.map((a) => a === serverJs ? 'dist/server.js' : a.replace(dir, '$TMP')).join(' ')}`,
    '',
    commands.join('\n\n'),
    '```',
    '',
    '`$TMP` is a fresh temporary directory; `$DOC_BODY` is the documented example response (`DOC_BODY` in test/documented.ts); `keys.txt` holds 20,000 request paths of random generated records and `fixture-keys.txt` the 13 fixtures\' paths, drawn at random for each request by `bench/random-keys.lua`. The signature of (c) is made at the start of each measurement (the gateway accepts an X-Sdk-Date within 15 minutes), so the one shown has long expired.'
  ].join('\n')
  writeReport(resolve(root, opts.out!), report)
  say(`\n${table}\n\n${targets}\n\n[${elapsed()}] wrote ${opts.out}`)
} finally {
  for (const server of servers.values()) await server.stop().catch(() => {})
  rmSync(dir, { recursive: true, force: true })
}
