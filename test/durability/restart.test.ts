import t, { type Test } from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AdminClient, type AdminError } from '../../src/control/admin-client.js'
import type { TransactionRecord } from '../../src/schemas/access-stages.js'
import { runCli, startCli, type Running } from '../cli/run-cli.js'

// Run-time changes (upserts, deletes, fault rules added or deleted through the control plane) are
// acknowledged writes: they survive SIGTERM and kill -9, with 1 and 2 workers, over a start state
// that the restart refreshes (changed fixture files), until a reset brings back the start state,
// generated file records included.

const fixture = (id: string, username: string): TransactionRecord => ({ project_id: 'rs', transaction_id: id, username, biz_type: 'VDI' })
const STARTUP_RULES = { faults: [{ id: 'boot-a', match: { project_id: 'rs', transaction_id: 'never-a' }, action: { status: 503 } }, { id: 'boot-b', match: { transaction_id: 'never-b' }, action: { status: 502 } }] }
const GENERATED = 40

/** Every process of the emulator: the CLI's own, and its workers' (the ready line lists them). */
function pidsOf (server: Running): number[] {
  const pids = new Set([server.child.pid!])
  for (const line of server.output().split('\n')) {
    if (line.startsWith('{') && line.includes('"urls"')) for (const pid of (JSON.parse(line) as { worker_pids?: number[] }).worker_pids ?? []) pids.add(pid)
  }
  return [...pids]
}

async function until (what: string, probe: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function start (t: Test, args: string[], workers: number): Promise<Running> {
  // Workers start in parallel with each other and with the other test files: allow for a busy machine.
  const server = await startCli(t, [...args, '--log-level', 'info', ...(workers > 1 ? ['--workers', String(workers)] : [])], {}, 30_000)
  // One ready line, printed once every worker listens.
  await until('the ready line', () => /Server listening at/.test(server.output()), 30_000)
  return server
}

async function stop (t: Test, server: Running, how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (how === 'SIGTERM') {
    server.child.kill('SIGTERM')
    t.equal(await server.exited, 0)
    return
  }
  // A crash of the whole emulator: every process at once, none gets to close anything.
  for (const pid of pidsOf(server)) { try { process.kill(pid, 'SIGKILL') } catch {} }
  await server.exited
  await until('workers gone', () => pidsOf(server).every((pid) => { try { process.kill(pid, 0); return false } catch { return true } }))
}

const usernames = async (admin: AdminClient, ids: string[]): Promise<Array<string | undefined>> =>
  await Promise.all(ids.map(async (id) => await admin.getTransaction('rs', id).then((r) => r.username, () => undefined)))

for (const workers of [1, 2]) {
  for (const how of ['SIGTERM', 'SIGKILL'] as const) {
    t.test(`--workers ${workers}, ${how}: run-time changes survive the restart, over a refreshed start state, until reset`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'wks-restart-'))
      const db = join(dir, 'data.sqlite')
      const fixtures = join(dir, 'fixtures.json')
      const faults = join(dir, 'faults.json')
      t.equal((await runCli(['generate', '--count', String(GENERATED), '--projects', '1', '--seed', '7', '--db', db])).code, 0)
      writeFileSync(fixtures, JSON.stringify([fixture('fx-0', 'f0'), fixture('fx-1', 'f1'), fixture('fx-2', 'f2')]))
      writeFileSync(faults, JSON.stringify(STARTUP_RULES))
      const args = ['--db', db, '--fixtures', fixtures, '--faults', faults]

      const first = await start(t, args, workers)
      let admin = new AdminClient(first.url)
      const generated = (await admin.listTransactions({ limit: 1000 })).transactions.filter((r) => r.project_id !== 'rs')
      t.equal(generated.length, GENERATED, 'the generated records are served')
      const [g0, g1] = generated
      await admin.seed([fixture('fx-0', 'changed'), { ...g0, username: 'changed-g' }, fixture('new-1', 'n1')])
      await admin.deleteTransaction('rs', 'fx-1')
      await admin.deleteTransaction(g1.project_id, g1.transaction_id)
      await admin.addFault({ id: 'run-1', match: { project_id: 'rs', transaction_id: 'never-c' }, action: { status: 500 } })
      await admin.deleteFault('boot-b')
      await stop(t, first, how)

      // The fixture files change between the runs: fx-2 edited, fx-3 added.
      writeFileSync(fixtures, JSON.stringify([fixture('fx-0', 'f0'), fixture('fx-1', 'f1'), fixture('fx-2', 'f2-edited'), fixture('fx-3', 'f3')]))
      const second = await start(t, args, workers)
      admin = new AdminClient(second.url)
      t.same(await usernames(admin, ['fx-0', 'fx-1', 'fx-2', 'fx-3', 'new-1']), ['changed', undefined, 'f2-edited', 'f3', 'n1'],
        'update and delete of fixtures and the upsert kept; the edited fixture file refreshed the rest')
      t.equal((await admin.getTransaction(g0.project_id, g0.transaction_id)).username, 'changed-g', 'update of a generated record kept')
      t.equal(await admin.getTransaction(g1.project_id, g1.transaction_id).then(() => 200, (err: AdminError) => err.status), 404, 'delete of a generated record kept')
      t.same((await admin.faults()).map((f) => f.id), ['boot-a', 'run-1'], 'fault rule added at run time kept; the deleted start-up rule stays deleted')
      t.equal((await admin.health()).transactions, GENERATED + 4 - 1 - 1 + 1, 'counts see the same')

      t.same(await admin.reset(g0.project_id), { transactions: GENERATED, faults: 2 }, 'a reset of the generated project brings back every one of its records')
      t.equal((await admin.getTransaction(g0.project_id, g0.transaction_id)).username, g0.username, 'and undoes the change to one')
      t.same(await admin.reset(), { transactions: GENERATED + 4, faults: 2 }, 'a reset returns to the start state, generated records included')
      t.same(await usernames(admin, ['fx-0', 'fx-1', 'fx-2', 'fx-3', 'new-1']), ['f0', 'f1', 'f2-edited', 'f3', undefined])
      t.equal((await admin.getTransaction(g1.project_id, g1.transaction_id)).username, g1.username)
      t.same((await admin.faults()).map((f) => f.id), ['boot-a', 'boot-b'])
      await stop(t, second, 'SIGTERM')
    })
  }
}
