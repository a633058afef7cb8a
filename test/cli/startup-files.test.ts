import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, startCli } from './run-cli.js'

// Issue #12, input 4: fixtures, credentials and fault-rule files must be regular files below a size cap.

t.test('fixtures, credentials and fault files must be regular files: one line, exit 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-files-'))
  const fixtures = join(dir, 'fixtures')
  mkdirSync(fixtures)
  execFileSync('mkfifo', [join(fixtures, 'f.json')])
  const fifo = await runCli(['--port', '0', '--fixtures', fixtures])
  t.equal(fifo.code, 2)
  t.equal(fifo.stderr, `wks-emulator: fixture file ${join(fixtures, 'f.json')}: is a FIFO, not a regular file\n`)

  execFileSync('mkfifo', [join(dir, 'rules.json')])
  const rules = await runCli(['--port', '0', '--faults', join(dir, 'rules.json')])
  t.equal(rules.code, 2)
  t.equal(rules.stderr, `wks-emulator: fault rules file ${join(dir, 'rules.json')}: is a FIFO, not a regular file\n`)

  const creds = await runCli(['--port', '0', '--auth', 'strict', '--credentials', '/dev/zero'])
  t.equal(creds.code, 2)
  t.equal(creds.stderr, 'wks-emulator: credentials file /dev/zero: is a device, not a regular file\n')

  const asDir = await runCli(['--port', '0', '--faults', dir])
  t.equal(asDir.code, 2)
  t.equal(asDir.stderr, `wks-emulator: fault rules file ${dir}: is a directory, not a regular file\n`)

  // A symlink to a regular file is fine.
  const real = join(dir, 'real.json')
  writeFileSync(real, JSON.stringify({ faults: [{ match: { transaction_id: 'x' }, action: { status: 503 } }] }))
  symlinkSync(real, join(dir, 'link.json'))
  const server = await startCli(t, ['--log-level', 'warn', '--faults', join(dir, 'link.json')])
  const faults = await (await fetch(server.url + '/_emulator/faults')).json() as { faults: Array<{ id: string }> }
  t.same(faults.faults.map((f) => f.id), ['startup-1'])
})

t.test('a start-up file over the size cap: one line, exit 2', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'wks-big-')), 'big.json')
  // Sparse: 300 MiB of size without writing it.
  execFileSync('truncate', ['-s', '300M', file])
  const { code, stderr } = await runCli(['--port', '0', '--fixtures', file])
  t.equal(code, 2)
  t.equal(stderr, `wks-emulator: fixture file ${file}: 314572800 bytes is over the 256 MiB limit\n`)
})
