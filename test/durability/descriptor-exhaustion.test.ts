import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SERVER } from '../cli/run-cli.js'

// `--workers 2` under a small open-files limit: many half-sent requests take every descriptor a
// worker may use for connections. Once they are gone the cluster answers again, and the first
// refusal was logged at warn with the limit.
const LIMIT = 256
const CONNECTIONS = 700

async function until (what: string, probe: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const health = (port: number): Promise<number | string> => new Promise((resolve) => {
  const req = request({ host: '127.0.0.1', port, path: '/_emulator/health', agent: false, timeout: 1000 }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode!)) })
  req.on('timeout', () => { req.destroy(); resolve('timeout') })
  req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'))
  req.end()
})

t.test(`--workers 2 under ulimit -n ${LIMIT}: answers again once clients go away, and says why it refused`, async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'wks-fds-')), 'data.sqlite')
  const child = spawn('bash', ['-c', `ulimit -n ${LIMIT} && exec "$0" "$@"`, process.execPath, SERVER, '--port', '0', '--workers', '2', '--db', db, '--no-fixtures', '--log-level', 'info'],
    { stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  child.stderr.on('data', (d) => { out += d })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
    const started = Date.now()
    const look = (): void => {
      const match = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (match) resolve(Number(match[1]))
      else if (Date.now() - started > 20_000) reject(new Error(`no port: ${out}`))
      else setTimeout(look, 50)
    }
    look()
  })
  await until('both workers answering', async () => await health(port) === 200)

  const sockets: Socket[] = []
  for (let i = 0; i < CONNECTIONS; i++) {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /_emulator/health HTTP/1.1\r\nHost: x\r\n'))
    socket.on('error', () => {})
    sockets.push(socket)
  }
  await until('a refusal logged', () => out.includes('refusing connections'))
  for (const socket of sockets) socket.destroy()
  const closed = Date.now()
  await until('an answer after the clients left', async () => await health(port) === 200, 10_000)
  t.comment(`answered again ${Date.now() - closed} ms after the clients went away`)

  const warnings = out.split('\n').filter((line) => line.includes('refusing connections')).map((line) => JSON.parse(line) as { level: number, openFilesLimit: number, msg: string })
  t.ok(warnings.length >= 1 && warnings.length <= 2, `one warning per worker at most (${warnings.length})`)
  t.match(warnings[0], { level: 40, openFilesLimit: LIMIT, msg: new RegExp(`ulimit -n ${LIMIT}.*raise it \\(ulimit -n 65536`) })
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
})
