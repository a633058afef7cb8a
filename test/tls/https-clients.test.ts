import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { once } from 'node:events'
import { Agent } from 'node:https'
import { connect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { startEmulator } from '../../src/index.js'
import { akskCredential, sdkClient, showUserAccessStages } from '../auth/sdk-client.js'
import { DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'

// HTTPS clients as users run them against `--tls self-signed`: the official Node SDK core with the
// generated certificate trusted (strict AK/SK: the signed Host carries the port) and with
// verification off, and curl --cacert.

const run = promisify(execFile)
const AK = { ak: 'TLSAK', sk: 'tls-secret-key', projectId: DOC_PROJECT }
const CREDENTIALS = JSON.stringify({ aksk: [{ ak: AK.ak, sk: AK.sk }], tokens: [] })

t.test('--tls self-signed serves the SDK, curl and the journal over https on the same port', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-tls-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const certFile = join(dir, 'emulator-cert.pem')
  const emulator = await startEmulator({ tls: 'self-signed', tlsCertOut: certFile, auth: 'strict', credentials: JSON.parse(CREDENTIALS) })
  t.teardown(() => emulator.close())
  t.match(emulator.url, /^https:\/\/127\.0\.0\.1:\d+$/)
  const ca = readFileSync(certFile, 'utf8')
  t.equal(ca, emulator.certificate, 'the certificate served is the one written for clients')

  await t.test('SDK core, strict verification with the certificate trusted', async (t) => {
    const client = sdkClient(emulator.url, akskCredential(AK), { httpsAgent: new Agent({ ca }) })
    const body = await showUserAccessStages(client, DOC_TRANSACTION)
    t.same({ ...body, httpStatusCode: undefined }, { ...JSON.parse(DOC_BODY), httpStatusCode: undefined })
    t.equal(body.httpStatusCode, 200)
    const [entry] = await emulator.requests({ transaction_id: DOC_TRANSACTION })
    t.match(entry, { status: 200, auth: { scheme: 'aksk', principal: AK.ak, ok: true } }, 'signed over https, verified, journalled')
  })

  await t.test('SDK core with verification off', async (t) => {
    const client = sdkClient(emulator.url, akskCredential(AK), { httpsAgent: new Agent({ rejectUnauthorized: false }) })
    t.equal((await showUserAccessStages(client, DOC_TRANSACTION)).username, 'user001')
  })

  await t.test('SDK core trusting nothing extra refuses the certificate', async (t) => {
    const client = sdkClient(emulator.url, akskCredential(AK))
    await t.rejects(showUserAccessStages(client, DOC_TRANSACTION), /self-signed certificate/)
  })

  await t.test('curl --cacert, by IP and by localhost', async (t) => {
    const port = new URL(emulator.url).port
    for (const host of ['127.0.0.1', 'localhost']) {
      const url = `https://${host}:${port}${stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)}`
      // Strict auth wants a signature; the control plane never does.
      const { stdout } = await run('curl', ['-sS', '--cacert', certFile, `https://${host}:${port}/_emulator/transactions/${DOC_PROJECT}/${DOC_TRANSACTION}`])
      t.equal(JSON.parse(stdout).username, 'user001', host)
      const refused = await run('curl', ['-sS', '--cacert', certFile, url])
      t.equal(JSON.parse(refused.stdout).error_code, 'APIGW.0301', `${host}: the API's own 401 over https`)
    }
    const untrusted = await run('curl', ['-sS', `https://127.0.0.1:${port}/_emulator/health`]).catch((err: { code: number }) => err)
    t.equal((untrusted as { code: number }).code, 60, 'curl without --cacert: the certificate is not trusted (60)')
  })
})

t.test('--tls-cert/--tls-key serve a certificate made elsewhere', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-tls-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')])
  const emulator = await startEmulator({ tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'key.pem') })
  t.teardown(() => emulator.close())
  const { stdout } = await run('curl', ['-sS', '--cacert', join(dir, 'cert.pem'), '-H', 'X-Auth-Token: t', `${emulator.url}${stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)}`])
  t.equal(stdout, DOC_BODY)
  t.equal((await emulator.admin.health()).status, 'ok', 'the admin client trusts the served certificate')
})

t.test('plain HTTP sent to the TLS port gets a 400 saying to use https://; a silent connection does not hold up the close', async (t) => {
  const emulator = await startEmulator({ tls: 'self-signed' })
  const port = new URL(emulator.url).port
  const plain = await run('curl', ['-sS', '-i', `http://127.0.0.1:${port}/_emulator/health`])
  const [head, body] = plain.stdout.split('\r\n\r\n')
  t.match(head, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(head, /\r\nConnection: close(\r\n|$)/)
  const requestId = /\r\nX-Request-Id: ([0-9a-f]{32})/.exec(head)?.[1]
  t.ok(requestId, 'X-Request-Id')
  t.same(JSON.parse(body), {
    error_code: 'APIGW.0201',
    error_msg: 'API request error: plain HTTP was sent to the HTTPS port; use https://.',
    request_id: requestId
  })
  const { stdout } = await run('curl', ['-sS', '-k', `https://127.0.0.1:${port}/_emulator/health`])
  t.equal(JSON.parse(stdout).status, 'ok', 'TLS clients on the same port are served as before')

  // A client that connects and says nothing is idle: the shutdown closes it instead of waiting for it.
  const silent = connect(Number(port), '127.0.0.1')
  await once(silent, 'connect')
  const began = performance.now()
  await emulator.close()
  t.ok(performance.now() - began < 4000, 'closed without waiting for the silent connection')
  t.ok(silent.destroyed || (await Promise.race([once(silent, 'close').then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 1000))])), 'the silent connection was closed')
  silent.destroy()
})

t.test('a client that resets the TLS port before its first byte, or while its 400 is written, leaves the emulator serving', async (t) => {
  const emulator = await startEmulator({ tls: 'self-signed' })
  t.teardown(() => emulator.close())
  const port = Number(new URL(emulator.url).port)
  const silent = connect(port, '127.0.0.1')
  await once(silent, 'connect')
  silent.resetAndDestroy()
  await once(silent, 'close')
  // Plain bytes the emulator answers with a 400, then a reset while that answer is on its way.
  const plain = connect(port, '127.0.0.1')
  await once(plain, 'connect')
  plain.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(2000))
  plain.resetAndDestroy()
  await once(plain, 'close')
  await new Promise((resolve) => setTimeout(resolve, 200))
  const { stdout } = await run('curl', ['-sS', '-k', `https://127.0.0.1:${port}/_emulator/health`])
  t.equal(JSON.parse(stdout).status, 'ok', 'still serving')
})

t.test('a TLS client stalled mid-handshake, or handshaken and silent, does not hold up the close', async (t) => {
  // A grace far longer than the assertion: waiting for either connection would take 30 s.
  const emulator = await startEmulator({ tls: 'self-signed', shutdownGrace: 30 })
  const port = Number(new URL(emulator.url).port)
  const stalled = connect(port, '127.0.0.1').on('error', () => {})
  await once(stalled, 'connect')
  stalled.write(Buffer.from([0x16, 0x03, 0x01])) // the start of a ClientHello, then nothing
  const handshaken = tlsConnect({ port, host: '127.0.0.1', rejectUnauthorized: false }).on('error', () => {})
  await once(handshaken, 'secureConnect')
  t.teardown(() => { stalled.destroy(); handshaken.destroy() })
  await new Promise((resolve) => setTimeout(resolve, 100))
  const began = performance.now()
  await emulator.close()
  const ms = Math.round(performance.now() - began)
  t.ok(ms < 4000, `closed at once, not after the 30 s grace (${ms} ms)`)
})
