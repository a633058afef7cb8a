import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from './run-cli.js'

// Issue #12, input 3: every failure to start is one line and a documented exit code, never a secret.

t.test('a busy port: one line, exit 1', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => blocker.close())
  const port = (blocker.address() as { port: number }).port
  const { code, stderr, stdout } = await runCli(['--port', String(port)])
  t.equal(code, 1)
  t.equal(stderr, `wks-emulator: cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)\n`)
  t.equal(stdout, '')
})

t.test('a busy port with --workers 2: still one line, exit 1', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => blocker.close())
  const port = (blocker.address() as { port: number }).port
  const db = join(mkdtempSync(join(tmpdir(), 'wks-busy-')), 'e.sqlite')
  const { code, stderr } = await runCli(['--port', String(port), '--workers', '2', '--db', db])
  t.equal(code, 1)
  t.equal(stderr, `wks-emulator: cannot listen on 127.0.0.1:${port}: the address is already in use (EADDRINUSE)\n`)
})

t.test('--db in a missing directory: one line, exit 2', async (t) => {
  const { code, stderr } = await runCli(['--port', '0', '--db', '/nonexistent-dir/e.sqlite'])
  t.equal(code, 2)
  t.match(stderr, /^wks-emulator: database \/nonexistent-dir\/e\.sqlite: cannot [^\n]*directory does not exist\)\n$/)
})

t.test('a mistyped secret flag names the flag, never the value', async (t) => {
  for (const [argv, line] of [
    [['--admin_token=S3CR3T'], 'unknown flag --admin_token (see --help)'],
    [['--admin-tokn=S3CR3T'], 'unknown flag --admin-tokn (see --help)'],
    [['--admin-tokn', 'S3CR3T'], 'unknown flag --admin-tokn (see --help)'],
    [['-t', 'S3CR3T'], 'unknown flag -t (see --help)'],
    [['S3CR3T'], 'unexpected argument 1 (flags start with --; see --help)']
  ] as Array<[string[], string]>) {
    const { code, stderr } = await runCli(argv)
    t.equal(code, 2, argv.join(' '))
    t.equal(stderr, `wks-emulator: ${line}\n`, argv.join(' '))
    t.notMatch(stderr, /S3CR3T/)
  }
})
