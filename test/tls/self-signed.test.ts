import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:tls'
import t, { type Test } from 'tap'
import { ConfigError, parseConfig } from '../../src/config/config.js'
import { openDb } from '../../src/store/db.js'
import { selfSignedPair } from '../../src/runtime/tls/material.js'
import { runCli, startCli } from '../cli/run-cli.js'

const tempDir = (t: Test): string => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-self-signed-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** 260 characters of valid labels: longer than a DNS name may be (253). */
const TOO_LONG = Array(4).fill('a'.repeat(63)).join('.') + '.test'

t.test('TLS flags that do not go together are one clear line', async (t) => {
  for (const [argv, message] of [
    [['--tls-cert', 'c.pem'], '--tls-cert and --tls-key go together'],
    [['--tls-key', 'k.pem'], '--tls-cert and --tls-key go together'],
    [['--tls', 'self-signed', '--tls-cert', 'c.pem', '--tls-key', 'k.pem'], '--tls self-signed and --tls-cert/--tls-key exclude each other'],
    [['--tls-cert-out', 'x.pem'], '--tls-cert-out needs --tls self-signed'],
    [['--tls-san', 'emu.test'], '--tls-san needs --tls self-signed'],
    [['--tls', 'self-signed', '--tls-san', 'emu.test,bad name'], 'invalid --tls-san "bad name": expected a DNS name or an IP address'],
    [['--tls', 'self-signed', '--tls-san', '999.1.1.1'], 'invalid --tls-san "999.1.1.1": expected a DNS name or an IP address'],
    [['--tls', 'self-signed', '--tls-san', '10.0.0'], 'invalid --tls-san "10.0.0": expected a DNS name or an IP address'],
    [['--tls', 'self-signed', '--tls-san', TOO_LONG], `invalid --tls-san "${TOO_LONG}": expected a DNS name or an IP address`],
    [['--tls', 'on'], 'invalid --tls "on": expected one of self-signed']
  ] as const) t.throws(() => parseConfig([...argv]), new ConfigError(message), argv.join(' '))
  t.match(parseConfig([], { WKS_EMULATOR_TLS_CERT: '/certs/cert.pem', WKS_EMULATOR_TLS_KEY: '/certs/key.pem' }), { tlsCert: '/certs/cert.pem', tlsKey: '/certs/key.pem' }, 'the Docker way: variables')
})

t.test('a generated certificate names localhost, 127.0.0.1, ::1 and --tls-san, and is no CA', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => db.close())
  const { cert } = await selfSignedPair(db, 'emu.test, 10.1.2.3')
  const x509 = new X509Certificate(cert)
  t.equal(x509.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:emu.test, IP Address:10.1.2.3')
  t.equal(x509.ca, false)
  t.ok(new Date(x509.validFrom).getTime() < Date.now() && new Date(x509.validTo).getTime() > Date.now() + 300 * 86_400_000, 'valid now, for about a year')
})

t.test('a file database keeps the pair: the same certificate after a restart, a new one for new names or near expiry', async (t) => {
  const file = join(tempDir(t), 'emulator.sqlite')
  const first = await (async () => { const db = openDb(file); try { return await selfSignedPair(db, undefined) } finally { db.close() } })()
  const again = async (san?: string, now?: Date): Promise<{ key: string, cert: string }> => {
    const db = openDb(file)
    try { return await selfSignedPair(db, san, now) } finally { db.close() }
  }
  t.same(await again(), first, 'reopened: the same pair')
  const widened = await again('emu.test')
  t.not(widened.cert, first.cert, 'a name it lacks: a new certificate')
  t.same(await again('emu.test'), widened, 'which is kept in turn')
  t.same(await again(), widened, 'a certificate naming more than asked still serves')
  const renewed = await again(undefined, new Date(Date.now() + 340 * 86_400_000))
  t.not(renewed.cert, widened.cert, 'within 30 days of expiry: renewed')
})

t.test('the CLI: ready line names the certificate file, restarts serve the same one, workers share it', async (t) => {
  const dir = tempDir(t)
  const certFile = join(dir, 'cert.pem')
  const args = ['--tls', 'self-signed', '--tls-cert-out', certFile, '--db', join(dir, 'e.sqlite'), '--log-level', 'info']
  const first = await startCli(t, args, {}, 30_000)
  t.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/)
  t.match(first.output(), `(self-signed TLS certificate: ${certFile})`)
  const written = readFileSync(certFile, 'utf8')
  first.child.kill('SIGTERM')
  t.equal(await first.exited, 0)

  const workers = await startCli(t, [...args, '--workers', '2'], {}, 30_000)
  t.equal(readFileSync(certFile, 'utf8'), written, 'the kept pair, not a new one')
  const port = Number(new URL(workers.url).port)
  const served = await Promise.all([0, 1, 2, 3].map(() => new Promise<string>((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', ca: written, servername: 'localhost' }, () => {
      resolve(socket.getPeerX509Certificate()!.toString())
      socket.end()
    })
    socket.on('error', reject)
  })))
  t.same(new Set(served), new Set([new X509Certificate(written).toString()]), 'every connection, whichever worker takes it, gets the same certificate')
  workers.child.kill('SIGTERM')
  t.equal(await workers.exited, 0)
})

t.test('unusable PEM files stop start-up with one line and exit 2', async (t) => {
  const dir = tempDir(t)
  const { code, stderr, stdout } = await runCli(['--tls-cert', join(dir, 'missing.pem'), '--tls-key', join(dir, 'key.pem')])
  t.equal(code, 2)
  t.equal(stderr, `wks-emulator: cannot read --tls-cert ${join(dir, 'missing.pem')}: ENOENT\n`)
  t.equal(stdout, '')
})
