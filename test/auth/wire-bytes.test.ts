import t from 'tap'
import { createHash, createHmac } from 'node:crypto'
import { request } from 'node:http'
import { startEmulator } from '../../src/index.js'
import { DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'

// Issue #12, input 6: the gateway signs and verifies the bytes on the wire. An SDK signs its
// User-Agent as UTF-8 text and sends those bytes; Node hands them to the server as latin1 text.
// The signature here is computed the way the SDKs do (over the UTF-8 text), apart from the server's code.

const AK = 'WIREAK'
const SK = 'wire-sk'
const path = stagesUrl(DOC_PROJECT)
const query = `transaction_id=${DOC_TRANSACTION}`

function sdkSign (host: string, date: string, userAgent: string): string {
  const canonical = ['GET', `${path}/`, query, `host:${host}\nuser-agent:${userAgent}\nx-sdk-date:${date}\n`, 'host;user-agent;x-sdk-date',
    createHash('sha256').update('').digest('hex')].join('\n')
  const toSign = `SDK-HMAC-SHA256\n${date}\n${createHash('sha256').update(canonical, 'utf8').digest('hex')}`
  return `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host;user-agent;x-sdk-date, Signature=${createHmac('sha256', SK).update(toSign).digest('hex')}`
}

function send (port: number, headers: Record<string, string>): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `${path}?${query}`, headers, agent: false }, (res) => {
      let body = ''
      res.on('data', (d) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('a signed User-Agent with UTF-8 bytes verifies', async (t) => {
  const emulator = await startEmulator({ auth: 'strict', credentials: { aksk: [{ ak: AK, sk: SK }] } })
  t.teardown(() => emulator.close())
  const host = `127.0.0.1:${emulator.port}`
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')
  for (const userAgent of ['app-测试-ü/1.0', 'plain/1.0', 'café ☕ client']) {
    const headers = {
      host,
      'x-sdk-date': date,
      // Node writes a header string as latin1, one byte per character: these are the UTF-8 bytes.
      'user-agent': Buffer.from(userAgent, 'utf8').toString('latin1'),
      authorization: sdkSign(host, date, userAgent)
    }
    const res = await send(emulator.port, headers)
    t.equal(res.status, 200, userAgent)
    t.equal(res.body, DOC_BODY, userAgent)
  }
  const tampered = await send(emulator.port, {
    host,
    'x-sdk-date': date,
    'user-agent': Buffer.from('app-测试-ü/1.1', 'utf8').toString('latin1'),
    authorization: sdkSign(host, date, 'app-测试-ü/1.0')
  })
  t.equal(tampered.status, 401, 'one byte changed still fails')
})

t.test('startEmulator takes the credentials as an object or a path', async (t) => {
  const { mkdtempSync, writeFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  const { tmpdir } = await import('node:os')
  const file = join(mkdtempSync(join(tmpdir(), 'wks-creds-')), 'c.json')
  writeFileSync(file, JSON.stringify({ tokens: [{ token: 'file-token' }] }))
  const fromFile = await startEmulator({ auth: 'strict', credentials: file })
  t.teardown(() => fromFile.close())
  const url = `${fromFile.url}${path}?${query}`
  t.equal((await fetch(url, { headers: { 'x-auth-token': 'file-token' } })).status, 200)
  t.equal((await fetch(url, { headers: { 'x-auth-token': 'other' } })).status, 401)
  await t.rejects(startEmulator({ auth: 'strict', credentials: { tokens: [] } }), { message: 'WKS_EMULATOR_CREDENTIALS: no credentials (aksk and tokens are both empty)' })
})
