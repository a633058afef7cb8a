import t from 'tap'
import Database from 'better-sqlite3'
import { request } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DOC_BODY, DOC_PATH } from '../helper.js'
import { startCli } from './run-cli.js'

/** One GET over a connection of its own, so the cluster hands each to the next worker. */
const freshGet = (url: string): Promise<{ status: number, body: string }> => new Promise((resolve, reject) => {
  const req = request(url, { agent: false, headers: { 'x-auth-token': 't' } }, (res) => {
    let body = ''
    res.on('data', (d) => { body += d })
    res.on('end', () => resolve({ status: res.statusCode!, body }))
  })
  req.on('error', reject)
  req.end()
})

const HOLD_MS = 6500

t.test('--workers 2: another process holding the write lock longer than the busy timeout kills no worker; the journal catches up', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'wks-busy-')), 'shared.sqlite')
  const server = await startCli(t, ['--workers', '2', '--db', db, '--log-level', 'warn'], {}, 30_000)
  const before = (await (await fetch(`${server.url}/_emulator/requests/count`)).json()).count as number

  // What a backup or the sqlite3 shell does: take the write lock and keep it.
  const other = new Database(db)
  t.teardown(() => { if (other.open) other.close() })
  other.exec('BEGIN IMMEDIATE')
  const started = Date.now()
  let served = 0
  while (Date.now() - started < HOLD_MS) {
    const t0 = Date.now()
    const res = await freshGet(server.url + DOC_PATH)
    t.equal(res.status, 200)
    t.equal(res.body, DOC_BODY)
    t.ok(Date.now() - t0 < 1000, 'served promptly while the lock is held')
    served++
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  other.exec('COMMIT')
  other.close()

  let count = before
  for (let i = 0; i < 100 && count < before + served; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    count = (await (await fetch(`${server.url}/_emulator/requests/count`)).json()).count
  }
  t.ok(count >= before + served, `the journal has every lookup made during the lock (${served})`)
  t.equal(server.child.exitCode, null, 'the cluster is still up')
  const output = server.output()
  t.notMatch(output, /unexpected error|exited|SQLITE_BUSY: database is locked"[^\n]*"level":50/, 'no worker died')
  const warns = output.split('\n').filter((l) => l.includes('journal write deferred'))
  t.ok(warns.length >= 1 && warns.length <= 2, `one warn line per worker that was refused (${warns.length})`)
  t.match(warns[0], /"code":"SQLITE_BUSY"/)
  // Each worker counts its own; fresh connections reach both.
  const counted = await Promise.all([1, 2, 3, 4].map(async () => Number(/^wks_emulator_deferred_writes_total (\d+)$/m.exec((await freshGet(`${server.url}/_emulator/metrics`)).body)?.[1])))
  t.ok(counted.some((n) => n > 0), `the deferred writes are counted (${counted.join(', ')})`)
})
