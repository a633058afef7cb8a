/**
 * Soak: runs the built CLI (dist/server.js, default settings) under a bounded mixed load for a
 * while, sampling its resident memory every 10 s, and fails if memory after the first minute
 * grows by more than the threshold. Not part of `npm test`.
 *
 *   npm run soak -- --minutes 10 [--rate 200] [--threshold 0.2]
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    threshold: { type: 'string', default: '0.2' },
    'sample-seconds': { type: 'string', default: '10' }
  }
})
const MINUTES = Number(args.minutes)
const RATE = Number(args.rate)
const THRESHOLD = Number(args.threshold)
const SAMPLE_MS = Number(args['sample-seconds']) * 1000
const MAX_IN_FLIGHT = 64
const PROJECTS = ['soak-0', 'soak-1', 'soak-2', 'soak-3', 'soak-4']
const TX_POOL = 1000

const server = fileURLToPath(new URL('../dist/server.js', import.meta.url))
const child = spawn(process.execPath, [server, '--port', '0', '--seed', '11'], { stdio: ['ignore', 'pipe', 'pipe'] })
let logLines = 0
let exited = false
let stopping = false
child.on('exit', (code, signal) => { exited = true; if (!stopping) fail(`server exited early (${code ?? signal})`) })
child.stderr.on('data', (d) => process.stderr.write(`server: ${d}`))
const url = await new Promise<string>((resolve, reject) => {
  let head = ''
  const timer = setTimeout(() => reject(new Error(`no listening line: ${head}`)), 15_000)
  child.stdout.on('data', (d: Buffer) => {
    // Every request is logged at the default level; the lines are counted and dropped.
    logLines += d.toString().split('\n').length - 1
    if (head.length < 4096) {
      head += d.toString()
      const match = /Server listening at (http:\/\/[^"\s]+)/.exec(head)
      if (match) { clearTimeout(timer); resolve(match[1]) }
    }
  })
})

function fail (why: string): never {
  process.stderr.write(`soak: ${why}\n`)
  if (!exited) child.kill('SIGKILL')
  process.exit(1)
}

/** Resident set of the server process, in bytes: /proc on Linux, ps elsewhere. */
function rssOf (pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
  } catch {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) * 1024
  }
}

const rnd = (n: number): number => Math.floor(Math.random() * n)
const pick = <T>(items: readonly T[]): T => items[rnd(items.length)]
const JSON_HEADERS = { 'content-type': 'application/json' }
const record = (project: string, tx: number) => ({
  project_id: project,
  transaction_id: `tx-${tx}`,
  username: `user${tx}`,
  biz_type: pick(['APP', 'DESKTOP', 'SHARE_APP', 'VDI']),
  stages: [{ stage: 'LOGIN', duration: rnd(3000), is_success: true, start_time: 1767225600000 + tx, end_time: 1767225600000 + tx + 500, error_code: 'WKS.00000000', error_msg: 'OK' }]
})

async function setup (): Promise<void> {
  for (const project of PROJECTS) {
    const transactions = Array.from({ length: TX_POOL }, (_, i) => record(project, i))
    await post('/_emulator/transactions', { transactions })
  }
  // Standing rules, so faults fire all along: chance errors, delays, malformed bodies, resets.
  await post('/_emulator/faults', { id: 'soak-500', match: { project_id: 'soak-1' }, action: { status: 500 }, probability: 0.2 })
  await post('/_emulator/faults', { id: 'soak-delay', match: { project_id: 'soak-2' }, action: { kind: 'delay', delay_ms: 5, jitter_ms: 20 } })
  await post('/_emulator/faults', { id: 'soak-malformed', match: { project_id: 'soak-3' }, action: { kind: 'malformed' }, probability: 0.3 })
  await post('/_emulator/faults', { id: 'soak-reset', match: { header: { name: 'X-Soak', value: 'reset' } }, action: { kind: 'reset' } })
}

async function post (path: string, body: unknown): Promise<void> {
  const res = await fetch(url + path, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) })
  await res.arrayBuffer()
  if (res.status >= 300) throw new Error(`${path}: ${res.status}`)
}

const counts = { sent: 0, ok: 0, clientErrors: 0, serverErrors: 0, resets: 0 }

/** One request of the mix, by weight: lookups (some faulted), admin writes, journal reads, fault rules, metrics. */
async function oneRequest (): Promise<void> {
  const roll = Math.random()
  const project = pick(PROJECTS)
  const lookup = (extra: Record<string, string> = {}, tx = `tx-${rnd(TX_POOL)}`) =>
    fetch(`${url}/v2/${project}/statistics/metrics/access-stages?transaction_id=${tx}`, { headers: { 'X-Auth-Token': 'soak', ...extra } })
  let res: Response
  if (roll < 0.55) res = await lookup()
  else if (roll < 0.58) res = await lookup({ 'X-Soak': 'reset' })
  else if (roll < 0.61) res = await lookup({ Prefer: 'code=503' })
  else if (roll < 0.64) res = await lookup({}, `unknown-${rnd(1e9)}`)
  else if (roll < 0.66) res = await fetch(`${url}/v2/${project}/statistics/metrics/access-stages?transaction_id=x`)
  else if (roll < 0.78) res = await fetch(`${url}/_emulator/transactions`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(record(project, rnd(TX_POOL))) })
  else if (roll < 0.79) res = await fetch(`${url}/_emulator/transactions`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ transactions: Array.from({ length: 50 }, () => record(project, rnd(TX_POOL))) }) })
  else if (roll < 0.80) res = await fetch(`${url}/_emulator/transactions/${project}/tx-${rnd(TX_POOL)}`, { method: 'DELETE' })
  else if (roll < 0.86) res = await fetch(`${url}/_emulator/requests?limit=100&project_id=${project}`)
  else if (roll < 0.89) res = await fetch(`${url}/_emulator/requests/count?status=500`)
  else if (roll < 0.90) res = await fetch(`${url}/_emulator/requests?project_id=${project}`, { method: 'DELETE' })
  else if (roll < 0.93) res = await fetch(`${url}/_emulator/faults`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ id: `churn-${rnd(20)}`, match: { transaction_id: `tx-${rnd(TX_POOL)}` }, action: { status: pick([429, 500, 503]) }, times: 3 }) })
  else if (roll < 0.94) res = await fetch(`${url}/_emulator/faults/churn-${rnd(20)}`, { method: 'DELETE' })
  else if (roll < 0.96) res = await fetch(`${url}/_emulator/faults`)
  else if (roll < 0.98) res = await fetch(`${url}/_emulator/transactions?limit=100&offset=${rnd(4000)}`)
  else if (roll < 0.99) res = await fetch(`${url}/_emulator/metrics`)
  else res = await fetch(`${url}/_emulator/health`)
  await res.arrayBuffer().catch(() => undefined)
  if (res.status < 400) counts.ok++
  else if (res.status < 500) counts.clientErrors++
  else counts.serverErrors++
}

await setup()
const samples: Array<{ t: number, rss: number }> = []
const started = Date.now()
let inFlight = 0
let lastReport = { sent: 0, at: started }

const sample = (): void => {
  const t = Math.round((Date.now() - started) / 1000)
  const rss = rssOf(child.pid!)
  samples.push({ t, rss })
  const rate = (counts.sent - lastReport.sent) / ((Date.now() - lastReport.at) / 1000)
  lastReport = { sent: counts.sent, at: Date.now() }
  process.stdout.write(`t=${String(t).padStart(4)}s rss=${(rss / 1048576).toFixed(1)} MiB  ${rate.toFixed(0)} req/s  ok=${counts.ok} 4xx=${counts.clientErrors} 5xx=${counts.serverErrors} resets=${counts.resets} log-lines=${logLines}\n`)
}
sample()

// A fixed rate, capped in flight: the server is exercised steadily, never flooded.
const ticker = setInterval(() => {
  const due = Math.round(RATE / 50)
  for (let i = 0; i < due && inFlight < MAX_IN_FLIGHT; i++) {
    inFlight++
    counts.sent++
    oneRequest().catch(() => { counts.resets++ }).finally(() => { inFlight-- })
  }
}, 20)
const sampler = setInterval(sample, SAMPLE_MS)
await new Promise((resolve) => setTimeout(resolve, MINUTES * 60_000))
clearInterval(ticker)
clearInterval(sampler)
sample()

stopping = true
child.kill('SIGTERM')
await new Promise((resolve) => child.once('exit', resolve))

const baseline = samples.find((s) => s.t >= 60) ?? samples[0]
const last = samples[samples.length - 1]
const peak = Math.max(...samples.filter((s) => s.t >= baseline.t).map((s) => s.rss))
const growth = last.rss / baseline.rss - 1
const mib = (b: number): string => (b / 1048576).toFixed(1)
process.stdout.write(`\nRSS series (s, MiB): ${samples.map((s) => `${s.t}:${mib(s.rss)}`).join(' ')}\n`)
process.stdout.write(`baseline at ${baseline.t}s ${mib(baseline.rss)} MiB, last ${mib(last.rss)} MiB, peak ${mib(peak)} MiB: growth ${(growth * 100).toFixed(1)} % (limit ${(THRESHOLD * 100).toFixed(0)} %)\n`)
process.stdout.write(`requests sent ${counts.sent}: ok ${counts.ok}, 4xx ${counts.clientErrors}, 5xx ${counts.serverErrors}, connection resets ${counts.resets}\n`)
if (growth > THRESHOLD) fail(`RSS grew ${(growth * 100).toFixed(1)} % after the first minute`)
