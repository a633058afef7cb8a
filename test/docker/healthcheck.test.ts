import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { fileURLToPath } from 'node:url'
import { startCli } from '../cli/run-cli.js'

const SCRIPT = fileURLToPath(new URL('../../dist/healthcheck.js', import.meta.url))

async function healthcheck (env: Record<string, string>): Promise<{ code: number | null, stderr: string, ms: number }> {
  const started = Date.now()
  const child = spawn(process.execPath, [SCRIPT], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, stderr, ms: Date.now() - started }
}

/** A stand-in server on a free port that answers `status`, or never answers when status is 0. */
async function stub (t: Test, status: number): Promise<{ port: string, seen: Array<{ url?: string, headers: IncomingHttpHeaders }> }> {
  const seen: Array<{ url?: string, headers: IncomingHttpHeaders }> = []
  const server = createServer((req, res) => {
    seen.push({ url: req.url, headers: req.headers })
    if (status) res.writeHead(status).end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return { port: String((server.address() as { port: number }).port), seen }
}

t.test('exits 0 on a 200 from /_emulator/health at WKS_EMULATOR_PORT, sending no token when none is set', async (t) => {
  const { port, seen } = await stub(t, 200)
  t.equal((await healthcheck({ WKS_EMULATOR_PORT: port })).code, 0)
  t.equal(seen[0].url, '/_emulator/health')
  t.notOk(seen[0].headers.authorization)
})

t.test('sends WKS_EMULATOR_ADMIN_TOKEN as a bearer token', async (t) => {
  const { port, seen } = await stub(t, 200)
  t.equal((await healthcheck({ WKS_EMULATOR_PORT: port, WKS_EMULATOR_ADMIN_TOKEN: 's3cret' })).code, 0)
  t.equal(seen[0].headers.authorization, 'Bearer s3cret')
})

t.test('any other status, a refused connection or a bad port is unhealthy, with the reason on stderr', async (t) => {
  const denied = await stub(t, 401)
  const res = await healthcheck({ WKS_EMULATOR_PORT: denied.port })
  t.equal(res.code, 1)
  t.match(res.stderr, /401/)
  const redirect = await stub(t, 302)
  t.equal((await healthcheck({ WKS_EMULATOR_PORT: redirect.port })).code, 1)
  const gone = createServer()
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve))
  const freed = String((gone.address() as { port: number }).port)
  await new Promise((resolve) => gone.close(resolve))
  const refused = await healthcheck({ WKS_EMULATOR_PORT: freed })
  t.equal(refused.code, 1)
  t.match(refused.stderr, /ECONNREFUSED/)
  const bad = await healthcheck({ WKS_EMULATOR_PORT: 'eighty' })
  t.equal(bad.code, 1)
  t.match(bad.stderr, /WKS_EMULATOR_PORT/)
})

t.test('a server that never answers is reported unhealthy by the script\'s own timeout', async (t) => {
  const { port } = await stub(t, 0)
  const res = await healthcheck({ WKS_EMULATOR_PORT: port })
  t.equal(res.code, 1)
  t.match(res.stderr, /timeout/i)
  // 2 s of waiting plus node's start-up; Docker's --timeout=3s would kill it otherwise.
  t.ok(res.ms < 5000, `took ${res.ms} ms`)
})

t.test('against the real CLI with an admin token: healthy with the token only', async (t) => {
  const server = await startCli(t, [], { WKS_EMULATOR_ADMIN_TOKEN: 'tok-123' })
  const port = new URL(server.url).port
  t.equal((await healthcheck({ WKS_EMULATOR_PORT: port, WKS_EMULATOR_ADMIN_TOKEN: 'tok-123' })).code, 0)
  t.equal((await healthcheck({ WKS_EMULATOR_PORT: port })).code, 1, 'the control plane refuses a probe without the token')
})

t.test('with TLS set by variables the probe speaks HTTPS to the same port, whatever the certificate names', async (t) => {
  const server = await startCli(t, [], { WKS_EMULATOR_TLS: 'self-signed', WKS_EMULATOR_TLS_SAN: 'emulator.internal' })
  const port = new URL(server.url).port
  t.match(server.url, /^https:/)
  t.equal((await healthcheck({ WKS_EMULATOR_PORT: port, WKS_EMULATOR_TLS: 'self-signed' })).code, 0)
  const plain = await healthcheck({ WKS_EMULATOR_PORT: port })
  t.equal(plain.code, 1, 'plain HTTP to the HTTPS port is not healthy')
})
