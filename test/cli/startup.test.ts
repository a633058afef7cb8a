import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, startCli } from './run-cli.js'

// Issue #12, inputs 2 (the ready line), 3 (start-up errors) and 4 (fixture files that are not files).

const readyLines = (output: string): Array<{ msg: string, urls: string[], version: string }> =>
  output.split('\n').filter((l) => l.includes('"urls"')).map((l) => JSON.parse(l))

t.test('the ready line: one JSON line with the URL at every level but silent', async (t) => {
  for (const level of ['warn', 'error', 'fatal', 'info']) {
    const server = await startCli(t, ['--log-level', level])
    const lines = readyLines(server.output())
    t.equal(lines.length, 1, `--log-level ${level}: one ready line`)
    t.match(lines[0], { msg: `Server listening at ${server.url}`, urls: [server.url], version: /^\d+\.\d+\.\d+/ }, `--log-level ${level}`)
    t.notMatch(server.output(), /"msg":"Server listening at[^"]*"(?![^\n]*"urls")/, 'Fastify\'s own listening line is not there beside it')
    server.child.kill('SIGTERM')
    t.equal(await server.exited, 0)
  }
})

t.test('the ready line with --workers 2: one line, once both listen', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'wks-ready-')), 'e.sqlite')
  const server = await startCli(t, ['--log-level', 'warn', '--workers', '2', '--db', db])
  t.equal(readyLines(server.output()).length, 1)
  t.equal((await fetch(server.url + '/_emulator/health')).status, 200)
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
  t.equal(readyLines(server.output()).length, 1, 'still one: workers print none of their own')
})

t.test('--log-level silent prints nothing at all', async (t) => {
  const { child } = await import('node:child_process').then(({ spawn }) => ({ child: spawn(process.execPath, [join(import.meta.dirname, '../../dist/server.js'), '--port', '0', '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] }) }))
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { out += d })
  await new Promise((resolve) => setTimeout(resolve, 1500))
  child.kill('SIGTERM')
  t.equal(await new Promise((resolve) => child.on('exit', resolve)), 0)
  t.equal(out, '')
})

t.test('--version prints the package version', async (t) => {
  const { version } = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { encoding: 'utf8' }))
  const { code, stdout, stderr } = await runCli(['--version'])
  t.equal(code, 0)
  t.equal(stdout, `${version}\n`)
  t.equal(stderr, '')
})

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

t.test('--db in a missing directory: one line, exit 2', async (t) => {
  const { code, stderr } = await runCli(['--port', '0', '--db', '/nonexistent-dir/e.sqlite'])
  t.equal(code, 2)
  t.equal(stderr, 'wks-emulator: database /nonexistent-dir/e.sqlite: cannot be opened (Cannot open database because the directory does not exist)\n')
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

t.test('an admin token no client could send is refused at start, without echoing it', async (t) => {
  for (const token of ['tök€n', 'tok ', ' tok', 'to ken', 'tok\t']) {
    const flag = await runCli(['--port', '0', '--admin-token', token])
    t.equal(flag.code, 2, JSON.stringify(token))
    t.equal(flag.stderr, 'wks-emulator: invalid --admin-token: expected visible ASCII characters (no spaces)\n', JSON.stringify(token))
  }
  const env = await runCli(['--port', '0'], { WKS_EMULATOR_ADMIN_TOKEN: 'tök€n' })
  t.equal(env.code, 2)
  t.equal(env.stderr, 'wks-emulator: invalid WKS_EMULATOR_ADMIN_TOKEN: expected visible ASCII characters (no spaces)\n')
})

t.test('the admin token is matched with the Bearer scheme in any case (RFC 7235)', async (t) => {
  const server = await startCli(t, ['--log-level', 'warn', '--admin-token', 'S3cr3t!'])
  for (const authorization of ['Bearer S3cr3t!', 'bearer S3cr3t!', 'BEARER  S3cr3t!']) {
    t.equal((await fetch(server.url + '/_emulator/health', { headers: { authorization } })).status, 200, authorization)
  }
  for (const authorization of ['Bearer s3cr3t!', 'Bearer S3cr3t', 'S3cr3t!', 'Basic S3cr3t!', 'BearerS3cr3t!']) {
    t.equal((await fetch(server.url + '/_emulator/health', { headers: { authorization } })).status, 401, authorization)
  }
})

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
