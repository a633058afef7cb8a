import t from 'tap'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, SERVER, startCli } from './run-cli.js'

// Issue #12, input 2: the ready line, and --version.

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
  // A port picked here, since silent prints no ready line to learn it from.
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as { port: number }).port
  await new Promise((resolve) => probe.close(resolve))
  const child = spawn(process.execPath, [SERVER, '--port', String(port), '--log-level', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { out += d })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  for (let i = 0; i < 600; i++) {
    if (await fetch(`http://127.0.0.1:${port}/_emulator/health`).then((r) => r.ok, () => false)) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  child.kill('SIGTERM')
  t.equal(await exited, 0)
  t.equal(out, '')
})

t.test('--version prints the package version', async (t) => {
  const { version } = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { encoding: 'utf8' }))
  const { code, stdout, stderr } = await runCli(['--version'])
  t.equal(code, 0)
  t.equal(stdout, `${version}\n`)
  t.equal(stderr, '')
})
