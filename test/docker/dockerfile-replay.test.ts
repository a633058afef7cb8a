import t from 'tap'
import { execFile } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { parseDockerfile } from './dockerfile-model.js'
import { replayBuild } from './replay.js'
import { containerEnv, startContainer, waitHealthy } from './container.js'
import { hostUser } from './users.js'
import { DOC_PATH as DOC } from '../documented.js'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

// npm ci compiles better-sqlite3 from source (no prebuilt binary is reachable from here): about
// 1.5 min on two cores, well past the suite's per-file timeout.
t.setTimeout(6 * 60_000)

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

t.test('the Dockerfile builds, starts as its USER, turns healthy and stops cleanly', {
  // The build's RUN lines run as root and chown as Docker's do, and the server is started as another user.
  skip: process.getuid?.() === 0 ? false : 'replaying a Docker build needs root'
}, async (t) => {
  const stages = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
  const work = mkdtempSync(join(tmpdir(), 'wks-docker-replay-'))
  chmodSync(work, 0o755) // the unprivileged USER must reach the replayed /app
  t.teardown(() => rmSync(work, { recursive: true, force: true }))

  const began = Date.now()
  const image = await replayBuild(stages, ROOT, work, (line) => t.comment(line))
  t.comment(`build replayed in ${((Date.now() - began) / 1000).toFixed(1)} s`)
  const user = hostUser(image.stage.final.user)
  if (user.note) t.comment(user.note)
  t.not(user.uid, 0, 'the image runs as a non-root user')

  const data = join(image.root, 'data')
  t.equal(statSync(data).uid, user.uid, '/data belongs to the USER, so a named volume there is writable')

  // The replay shares this machine's network, where 8080 may be taken: a free port stands in for
  // the container's own (the compose test ties EXPOSE, ENV and the published port together).
  // The DB goes where docker-compose.yml puts it, and an admin token is set to show the
  // HEALTHCHECK still passes when the control plane requires one.
  const token = randomBytes(16).toString('hex')
  const port = await freePort()
  const env = containerEnv(image, {
    WKS_EMULATOR_PORT: String(port),
    WKS_EMULATOR_DB: join(data, 'emulator.sqlite'),
    WKS_EMULATOR_ADMIN_TOKEN: token
  })
  const container = startContainer(image, env)
  t.teardown(() => { if (!container.exited()) process.kill(container.pid, 'SIGKILL') })

  const health = await waitHealthy(image, env, container)
  t.pass(`HEALTHCHECK passed after ${health.ms} ms (${health.probes} probes)`)

  const res = await fetch(`http://127.0.0.1:${port}${DOC}`, { headers: { 'X-Auth-Token': 't' } })
  t.equal(res.status, 200, 'the bundled fixtures were copied into the image')
  t.match(await res.json(), { username: 'user001', stages: [{ stage: 'LOGIN' }] }, 'the documented example')

  const stopped = await container.stop()
  t.equal(stopped.code, 0, 'SIGTERM through the ENTRYPOINT exits 0', { output: stopped.output })
  t.ok(existsSync(join(data, 'emulator.sqlite')), 'the database file was written under /data')

  // HTTPS from PEM files on a mounted volume (`-v ./certs:/certs:ro`), made the usual way with openssl.
  const certs = join(image.root, 'certs')
  mkdirSync(certs)
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(certs, 'key.pem'), '-out', join(certs, 'cert.pem')])
  const tlsEnv = containerEnv(image, {
    WKS_EMULATOR_PORT: String(port),
    WKS_EMULATOR_TLS_CERT: join(certs, 'cert.pem'),
    WKS_EMULATOR_TLS_KEY: join(certs, 'key.pem')
  })
  chmodSync(join(certs, 'key.pem'), 0o600)
  const unreadable = await startContainer(image, tlsEnv).done
  t.equal(unreadable.code, 2, 'a key the USER cannot read stops start-up')
  t.match(unreadable.output, `cannot read --tls-key ${join(certs, 'key.pem')}: not readable by uid ${user.uid}`)
  chmodSync(join(certs, 'key.pem'), 0o644)
  const secure = startContainer(image, tlsEnv)
  t.teardown(() => { if (!secure.exited()) process.kill(secure.pid, 'SIGKILL') })
  await waitHealthy(image, tlsEnv, secure)
  t.pass('HEALTHCHECK passed over https')
  const { stdout } = await run('curl', ['-sS', '--cacert', join(certs, 'cert.pem'), '-H', 'X-Auth-Token: t', `https://localhost:${port}${DOC}`])
  t.match(JSON.parse(stdout), { username: 'user001' }, 'the documented example over https')
  t.equal((await secure.stop()).code, 0)
})
