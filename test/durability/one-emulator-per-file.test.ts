import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AdminClient } from '../../src/control/admin-client.js'
import { runCli, startCli } from '../cli/run-cli.js'

// One database file, one emulator, whatever the worker counts on either side: a second start is
// refused in one line naming the file, and nothing of the running one is touched.
t.test('a second emulator on a served file is refused, whatever the worker counts; the first keeps its state', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-one-'))
  const db = join(dir, 'shared.sqlite')
  // Start-up rules of the second start: loading them would have replaced the first's.
  const faults = join(dir, 'faults.json')
  writeFileSync(faults, JSON.stringify([{ id: 'other', match: { transaction_id: 'y' }, action: { status: 500 } }]))
  const first = await startCli(t, ['--workers', '2', '--db', db, '--no-fixtures'], {}, 30_000)
  const admin = new AdminClient(first.url)
  await admin.addFault({ id: 'kept', match: { project_id: 'p', transaction_id: 'x' }, action: { status: 503 } })
  await admin.seed({ project_id: 'p', transaction_id: 'kept' })
  const refusal = `wks-emulator: database ${db} is already served by another wks-emulator; one emulator per file (--workers N serves one file from several processes)\n`
  for (const args of [['--workers', '2'], ['--workers', '3'], []]) {
    const second = await runCli(['--port', '0', '--db', db, '--no-fixtures', '--faults', faults, ...args])
    t.same({ code: second.code, stderr: second.stderr, stdout: second.stdout }, { code: 2, stderr: refusal, stdout: '' }, `refused: ${args.join(' ') || 'one process'}`)
  }
  const generate = await runCli(['generate', '--count', '5', '--db', db])
  t.equal(generate.code, 2)
  t.equal(generate.stderr, refusal, 'generate --db is refused too')
  t.same((await admin.faults()).map((f) => f.id), ['kept'], 'the running emulator\'s fault rules are untouched')
  t.equal((await admin.getTransaction('p', 'kept')).transaction_id, 'kept')
  first.child.kill('SIGTERM')
  t.equal(await first.exited, 0)
  const next = await startCli(t, ['--db', db, '--no-fixtures'])
  t.same((await new AdminClient(next.url).faults()).map((f) => f.id), ['kept'], 'once it has stopped, the file can be served again')
  next.child.kill('SIGTERM')
  t.equal(await next.exited, 0)
})
