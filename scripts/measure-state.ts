/**
 * Figures for the state layer (issue #11), on files it makes in a temporary directory:
 *   - reset of one project (200 run-time records) beside a 1 M-record generated file, in-process;
 *   - random-key lookups (store.getBody) on that file against a fixtures-only database;
 *   - journal page reads at 1 M entries (the single-process ring).
 * Usage: npx tsx scripts/measure-state.ts [--records 1000000]
 * Times are medians / p99 of process.hrtime samples; a noisy machine moves them, ratios less so.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { generateRecords } from '../src/cli/generate/records.js'
import { writeDb } from '../src/cli/generate/write.js'
import { createRingJournal } from '../src/store/journal/ring.js'
import { createSqliteJournal } from '../src/store/journal/sqlite.js'
import { journalPage } from '../src/control/requests.js'
import { openDb } from '../src/store/db.js'
import { loadFixtures } from '../src/store/fixtures.js'
import { createTransactionStore } from '../src/store/transactions.js'
import { BUNDLED_FIXTURES } from '../src/config/config.js'

const { values: opts } = parseArgs({ options: { records: { type: 'string', default: '1000000' } } })
const RECORDS = Number(opts.records)
const dir = mkdtempSync(join(tmpdir(), 'wks-measure-'))
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]
const say = (line: string): void => { process.stdout.write(line + '\n') }

const file = join(dir, 'big.sqlite')
let started = process.hrtime.bigint()
writeDb(file, generateRecords({ count: RECORDS, projects: 100, seed: 1 }))
say(`generate --db of ${RECORDS} records: ${(ms(started) / 1000).toFixed(1)} s`)
const fixtures = loadFixtures(BUNDLED_FIXTURES)

const db = openDb(file)
const store = createTransactionStore(db)
store.loadFixtures(fixtures)
const keys = [...generateRecords({ count: RECORDS, projects: 100, seed: 1 })].filter((_, i) => i % Math.max(1, Math.floor(RECORDS / 20000)) === 0)
  .map((r) => [r.project_id, r.transaction_id] as const)

// Reset of one project with 200 run-time records, beside the 1 M.
const batch = [...generateRecords({ count: 200, projects: 1, seed: 7 })].map((r) => ({ ...r, project_id: 'measure-reset' }))
const resets: number[] = []
for (let i = 0; i < 9; i++) {
  store.putMany(batch)
  started = process.hrtime.bigint()
  store.resetChanges('measure-reset')
  store.count('measure-reset')
  resets.push(ms(started))
}
say(`reset of one project (200 run-time records) beside ${RECORDS} file records: median ${quantile(resets, 0.5).toFixed(3)} ms (store level, 9 runs)`)

function lookups (s: typeof store, pairs: ReadonlyArray<readonly [string, string]>, n: number): number[] {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const [p, t] = pairs[(i * 7919) % pairs.length]
    const t0 = process.hrtime.bigint()
    if (s.getBody(p, t) === undefined) throw new Error(`missing ${p}/${t}`)
    out.push(Number(process.hrtime.bigint() - t0) / 1000)
  }
  return out
}
const small = createTransactionStore(openDb(join(dir, 'small.sqlite')))
small.loadFixtures(fixtures)
const fixtureKeys = fixtures.map((r) => [r.project_id, r.transaction_id] as const)
for (let round = 0; round < 3; round++) {
  const big = lookups(store, keys, 200_000)
  const base = lookups(small, fixtureKeys, 200_000)
  say(`round ${round}: lookup µs p50/p99 — 1 M file ${quantile(big, 0.5).toFixed(2)}/${quantile(big, 0.99).toFixed(2)}, fixtures ${quantile(base, 0.5).toFixed(2)}/${quantile(base, 0.99).toFixed(2)}, p99 ratio ${(quantile(big, 0.99) / quantile(base, 0.99)).toFixed(2)}`)
}
db.close()

// Journal at 1 M entries.
const journal = createRingJournal(1_000_000)
started = process.hrtime.bigint()
for (let i = 0; i < 1_000_000; i++) {
  journal.append({ at: Date.now(), request_id: i.toString(16).padStart(32, '0'), method: 'GET', path: `/v2/p${i % 100}/statistics/metrics/access-stages`, project_id: `p${i % 100}`, transaction_id: `t-${i}`, status: 200, duration_ms: 0.1, auth: { scheme: 'token', principal: 'token', ok: true }, outcome: 'ok' })
}
say(`journal: 1 M entries appended in ${ms(started).toFixed(0)} ms`)
const time = (label: string, q: Parameters<typeof journalPage>[1]): void => {
  const samples: number[] = []
  let size = 0
  for (let i = 0; i < 7; i++) {
    const t0 = process.hrtime.bigint()
    const page = journalPage(journal, q)
    size = JSON.stringify(page).length
    samples.push(ms(t0))
  }
  say(`journal page, ${label}: median ${quantile(samples, 0.5).toFixed(2)} ms, max ${Math.max(...samples).toFixed(2)} ms, ${(size / 1024).toFixed(0)} KiB of JSON`)
}
time('newest 100 (default)', { limit: 100 })
time('1000 after_seq=0', { limit: 1000, after_seq: 0 })
time('1000 after_seq=500000', { limit: 1000, after_seq: 500_000 })
time('project filter, newest 100', { limit: 100, project_id: 'p7' })
time('filter matching nothing (whole ring scanned)', { limit: 100, project_id: 'nobody' })

// The journal of `--workers N` at 1 M entries: a table in the shared file.
const shared = openDb(join(dir, 'journal.sqlite'), { shared: true })
const table = createSqliteJournal(shared, 1_000_000)
started = process.hrtime.bigint()
for (let i = 0; i < 1_000_000; i++) {
  table.append({ at: Date.now(), request_id: i.toString(16).padStart(32, '0'), method: 'GET', path: `/v2/p${i % 100}/statistics/metrics/access-stages`, project_id: `p${i % 100}`, transaction_id: `t-${i}`, status: 200, duration_ms: 0.1, auth: { scheme: 'token', principal: 'token', ok: true }, outcome: 'ok' })
}
table.flush()
say(`shared journal: 1 M entries written in ${ms(started).toFixed(0)} ms`)
const timeTable = (label: string, q: Parameters<typeof journalPage>[1]): void => {
  const samples: number[] = []
  for (let i = 0; i < 7; i++) {
    const t0 = process.hrtime.bigint()
    journalPage(table, q)
    samples.push(ms(t0))
  }
  say(`shared journal page, ${label}: median ${quantile(samples, 0.5).toFixed(2)} ms, max ${Math.max(...samples).toFixed(2)} ms`)
}
timeTable('newest 100 (default)', { limit: 100 })
timeTable('1000 after_seq=500000', { limit: 1000, after_seq: 500_000 })
timeTable('project filter, newest 100', { limit: 100, project_id: 'p7' })
timeTable('status filter matching nothing (whole table scanned)', { limit: 100, status: 599 })
shared.close()
