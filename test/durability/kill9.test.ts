import t, { type Test } from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createTransactionStore } from '../../src/store/transactions.js'
import { startCli, type Running } from '../cli/run-cli.js'

const record = (i: number) => ({
  project_id: 'durable',
  transaction_id: `u-${i}`,
  username: `user-${i}`,
  biz_type: 'VDI',
  stages: [{ stage: 'CONNECT', duration: i, is_success: i % 7 !== 0, start_time: 1767225600000 + i, end_time: 1767225600000 + 2 * i }]
})

const killed = async (server: Running): Promise<void> => {
  server.child.kill('SIGKILL')
  await server.exited
}

/** The transaction ids a restarted server would serve in a project, read from the file as the store reads it. */
const visibleIds = (db: Database.Database, projectId: string): string[] =>
  createTransactionStore(db).list({ projectId, limit: 1_000_000, offset: 0 }).transactions.map((r) => r.transaction_id)

/** Opens the database a killed server left, as the next start will, and checks it is sound. */
function openAfterCrash (t: Test, file: string): Database.Database {
  const db = new Database(file)
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'PRAGMA integrity_check')
  return db
}

t.test('kill -9 in the middle of a stream of upserts: every acknowledged record survives', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'wks-kill9-')), 'emulator.sqlite')
  const server = await startCli(t, ['--db', file, '--no-fixtures'])
  const PLANNED = 3000
  const KILL_AT = 2000 + Math.floor(Math.random() * 500)
  const acked = new Set<number>()
  let next = 0
  let failed = 0
  // 12 requests in flight, and the stream goes on after the signal, so the kill lands mid-write.
  const worker = async (): Promise<void> => {
    while (next < PLANNED) {
      const i = next++
      try {
        const res = await fetch(`${server.url}/_emulator/transactions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(record(i)) })
        if (res.status === 201) acked.add(i)
        if (acked.size === KILL_AT) server.child.kill('SIGKILL')
      } catch {
        failed++
        return
      }
    }
  }
  await Promise.all(Array.from({ length: 12 }, worker))
  await server.exited
  t.ok(acked.size >= 2000, `${acked.size} upserts acknowledged, ${failed} cut by the kill, ${next} sent`)

  const db = openAfterCrash(t, file)
  const stored = new Set(visibleIds(db, 'durable'))
  db.close()
  const lost = [...acked].filter((i) => !stored.has(`u-${i}`))
  t.same(lost, [], 'no acknowledged upsert lost')

  const again = await startCli(t, ['--db', file, '--no-fixtures'])
  const served: unknown[] = []
  for (let offset = 0; offset < PLANNED; offset += 1000) {
    const page = await (await fetch(`${again.url}/_emulator/transactions?project_id=durable&limit=1000&offset=${offset}`)).json() as { transactions: Array<{ transaction_id: string }> }
    served.push(...page.transactions.filter((r) => acked.has(Number(r.transaction_id.slice(2)))))
  }
  const expected = [...acked].map((i) => `u-${i}`).sort().map((id) => record(Number(id.slice(2))))
  t.same(served, expected, 'after a restart, every acknowledged record is served exactly as sent')
  await killed(again)
})

// The journal is not in the file: a single process keeps it in memory, and it dies with the process.
interface NamespaceState { transactions: string[], faults: string[] }

function namespaceOf (db: Database.Database): NamespaceState {
  return {
    transactions: visibleIds(db, 'ns'),
    faults: db.prepare<[], string>("SELECT id FROM fault_rules WHERE project_id = 'ns' ORDER BY id").pluck().all()
  }
}

t.test('kill -9 around a reset or a project delete: the namespace is wholly before or wholly after', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-kill9-ns-'))
  const fixtures = join(dir, 'fixtures.json')
  const fixtureIds = ['fx-0', 'fx-1', 'fx-2']
  writeFileSync(fixtures, JSON.stringify({ transactions: [...fixtureIds.map((id) => ({ project_id: 'ns', transaction_id: id })), { project_id: 'other', transaction_id: 'keep' }] }))
  const BULK = 20_000
  const bulkIds = Array.from({ length: BULK }, (_, i) => `b-${String(i).padStart(5, '0')}`)
  const outcomes: string[] = []
  // Kills from "before the request arrives" to "well after it is done"; the delete of 20,000 rows takes some ms.
  const delays = [0, 2, 3, 4, 5, 6, 8, 12, 25, 60]
  for (const [n, delayMs] of delays.entries()) {
    const op = n % 2 === 0 ? 'reset' : 'delete'
    const file = join(dir, `ns-${n}.sqlite`)
    const server = await startCli(t, ['--db', file, '--fixtures', fixtures])
    for (let i = 0; i < BULK; i += 10_000) {
      const transactions = bulkIds.slice(i, i + 10_000).map((id) => ({ project_id: 'ns', transaction_id: id }))
      const res = await fetch(`${server.url}/_emulator/transactions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ transactions }) })
      t.equal(res.status, 201)
    }
    await fetch(`${server.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'ns-rule', match: { project_id: 'ns', transaction_id: 'never' }, action: { status: 500 } }) })
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/v2/ns/statistics/metrics/access-stages?transaction_id=fx-${i}`, { headers: { 'X-Auth-Token': 't' } })
    const before: NamespaceState = { transactions: [...bulkIds, ...fixtureIds].sort(), faults: ['ns-rule'] }
    const after: NamespaceState = op === 'reset'
      ? { transactions: fixtureIds, faults: [] }
      : { transactions: [], faults: ['ns-rule'] }

    const target = op === 'reset' ? '/_emulator/reset?project_id=ns' : '/_emulator/transactions?project_id=ns'
    fetch(server.url + target, { method: op === 'reset' ? 'POST' : 'DELETE' }).catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, delayMs))
    await killed(server)

    const db = openAfterCrash(t, file)
    const state = namespaceOf(db)
    const other = visibleIds(db, 'other').length
    db.close()
    const which = JSON.stringify(state) === JSON.stringify(before) ? 'before' : JSON.stringify(state) === JSON.stringify(after) ? 'after' : 'MIXED'
    t.not(which, 'MIXED', `${op}, killed after ${delayMs} ms: ${which} (${state.transactions.length} records, rules ${state.faults})`)
    t.equal(other, 1, 'the other namespace is untouched')
    outcomes.push(`${op}@${delayMs}ms:${which}`)
  }
  t.comment(outcomes.join(' '))
})
