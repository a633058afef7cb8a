/**
 * Figures for "Record real data" and "Snapshots in CI" (docs/guides/record-and-snapshots.md): the time forwarding adds to a
 * lookup (`--unknown-transaction proxy` in front of a local emulator standing in for the cloud,
 * strict AK/SK, every call signed anew), and export/import times of a 100,000-record state through
 * the control plane and the CLI. Sequential calls, medians; not part of `npm test`.
 *
 *   npm run build && npx tsx scripts/measure-upstream.ts [--calls 2000] [--records 100000]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startEmulator } from '../src/index.js'

const { values: args } = parseArgs({ options: { calls: { type: 'string', default: '2000' }, records: { type: 'string', default: '100000' } } })
const CALLS = Number(args.calls)
const RECORDS = Number(args.records)
const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'wks-measure-upstream-'))
const agent = new Agent({ keepAlive: true, maxSockets: 1 })

function get (url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    request(url, { agent, headers: { 'x-auth-token': 't' } }, (res) => {
      res.resume()
      res.on('end', () => res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`status ${res.statusCode}`)))
    }).on('error', reject).end()
  })
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function timeCalls (url: string): Promise<number> {
  for (let i = 0; i < 200; i++) await get(url)
  const times: number[] = []
  for (let i = 0; i < CALLS; i++) times.push(await get(url))
  return median(times)
}

async function forwarding (): Promise<void> {
  const credentials = join(dir, 'credentials.json')
  writeFileSync(credentials, JSON.stringify({ aksk: [{ ak: 'MEASUREAK', sk: 'measure-secret' }] }))
  const cloud = await startEmulator({ auth: 'strict', credentials, fixtures: false, journalSize: 0 })
  await cloud.seed({ project_id: 'measure', transaction_id: 'tx-1', username: 'u', biz_type: 'APP', stages: [{ stage: 'LOGIN', duration: 5, is_success: true }] })
  const front = await startEmulator({ unknownTransaction: 'proxy', upstream: cloud.url, upstreamCredentials: credentials, fixtures: false, journalSize: 0 })
  const local = await startEmulator({ fixtures: false, journalSize: 0 })
  await local.seed({ project_id: 'measure', transaction_id: 'tx-1', username: 'u', biz_type: 'APP', stages: [{ stage: 'LOGIN', duration: 5, is_success: true }] })
  const path = '/v2/measure/statistics/metrics/access-stages?transaction_id=tx-1'
  const served = await timeCalls(local.url + path)
  const proxied = await timeCalls(front.url + path)
  console.log(`lookup served locally: median ${served.toFixed(3)} ms; proxied to a local strict upstream: median ${proxied.toFixed(3)} ms; forwarding adds ${(proxied - served).toFixed(3)} ms per call (${CALLS} sequential calls each)`)
  await Promise.all([cloud.close(), front.close(), local.close()])
}

function seconds (fn: () => void): string {
  const started = performance.now()
  fn()
  return ((performance.now() - started) / 1000).toFixed(2)
}

async function snapshots (): Promise<void> {
  const db = join(dir, 'state.sqlite')
  const file = join(dir, 'state.json')
  execFileSync(process.execPath, [SERVER, 'generate', '--count', String(RECORDS), '--projects', '10', '--seed', '1', '--db', db])
  const exportS = seconds(() => execFileSync(process.execPath, [SERVER, 'export', '--db', db, '--out', file]))
  const importS = seconds(() => execFileSync(process.execPath, [SERVER, 'import', file, '--db', join(dir, 'imported.sqlite')]))
  const size = (statSync(file).size / 1048576).toFixed(0)
  const app = await startEmulator({ db, fixtures: false, logLevel: 'silent' })
  let started = performance.now()
  const doc = await (await fetch(`${app.url}/_emulator/state`)).text()
  const getS = ((performance.now() - started) / 1000).toFixed(2)
  started = performance.now()
  const res = await fetch(`${app.url}/_emulator/state`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: doc })
  if (res.status !== 200) throw new Error(`PUT answered ${res.status}`)
  const putS = ((performance.now() - started) / 1000).toFixed(2)
  await app.close()
  console.log(`${RECORDS} records, ${size} MB document: CLI export ${exportS} s, CLI import ${importS} s (process start included); GET /_emulator/state ${getS} s, PUT ${putS} s`)
}

try {
  await forwarding()
  await snapshots()
} finally {
  agent.destroy()
  rmSync(dir, { recursive: true, force: true })
}
