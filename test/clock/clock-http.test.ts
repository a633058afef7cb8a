import t from 'tap'
import { Writable } from 'node:stream'
import { signRequest } from '../../src/runtime/wire/aksk-signature.js'
import { build, DOC_BODY } from '../helper.js'
import { CREDENTIALS, DOC, HOST_NOW, sdkDate, startGateway } from '../throttle/gateway.js'

// The emulator's clock moves under the control plane (or --clock-offset): a suite reaches an expired
// token, a drifted client clock or the end of a lockout without waiting or touching the host's clock.

const MIN = 60_000
const IAM = 'Incorrect IAM authentication information: '

t.test('with the clock 16 minutes ahead a freshly signed request is refused for skew; DELETE puts it back', async (t) => {
  const gw = await startGateway(t)
  t.equal((await gw.call('AK1')).status, 200)
  const set = await gw.control('POST', '/_emulator/clock', { offset_ms: 16 * MIN })
  t.same(await set.json(), { offset_ms: 16 * MIN, now: '2026-11-29T12:16:00.000Z' })
  const res = await gw.call('AK1')
  t.equal(res.status, 401)
  t.same(await res.json(), { error_code: 'APIGW.0301', error_msg: IAM + 'verify aksk signature fail', request_id: res.headers.get('x-request-id') })
  await gw.control('POST', '/_emulator/clock', { offset_ms: 14 * MIN })
  t.equal((await gw.call('AK1')).status, 200, '14 minutes is inside the window')
  const back = await gw.control('DELETE', '/_emulator/clock')
  t.same(await back.json(), { offset_ms: 0, now: '2026-11-29T12:00:00.000Z' })
  t.equal((await gw.call('AK1')).status, 200)
})

t.test('the log names the skew as the reason', async (t) => {
  const logs: Array<Record<string, unknown>> = []
  const logStream = new Writable({ write (chunk, _enc, done) { logs.push(JSON.parse(String(chunk))); done() } })
  const app = await build(t, { auth: 'strict', credentialsJson: JSON.stringify(CREDENTIALS), logLevel: 'info', clockOffset: -16 * MIN }, { logStream, hostClock: () => HOST_NOW })
  const headers: Record<string, string> = { host: 'localhost', 'x-sdk-date': sdkDate(HOST_NOW) }
  headers.authorization = signRequest({ method: 'GET', url: DOC, headers }, 'AK1', 'sk-one', ['host', 'x-sdk-date'])
  const res = await app.inject({ method: 'GET', url: DOC, headers })
  t.equal(res.statusCode, 401, '--clock-offset -16 min: the same refusal from the start')
  const refusal = logs.find((l) => l.msg === 'authentication refused')
  t.equal(refusal?.reason, 'bad_signature')
  t.match(refusal?.detail, /X-Sdk-Date 20261129T120000Z is more than 15 minutes from the emulator's clock \(2026-11-29T11:44:00.000Z\)/)
})

t.test('a token whose expires_at has passed under the offset is refused; reset restores the clock', async (t) => {
  const gw = await startGateway(t)
  const token = { 'X-Auth-Token': 'token-one' }
  const ok = await fetch(gw.base + DOC, { headers: token })
  t.equal(await ok.text(), DOC_BODY)
  await gw.control('POST', '/_emulator/clock', { offset_ms: 61 * MIN })
  const expired = await fetch(gw.base + DOC, { headers: token })
  t.equal(expired.status, 401)
  t.equal((await expired.json()).error_msg, IAM + 'token expires, expires_at: 2026-11-29T13:00:00.000Z')
  t.equal((await gw.control('POST', '/_emulator/reset')).status, 200)
  t.same(await (await gw.control('GET', '/_emulator/clock')).json(), { offset_ms: 0, now: '2026-11-29T12:00:00.000Z' })
  t.equal((await fetch(gw.base + DOC, { headers: token })).status, 200)
})

t.test('a locked AK is free again once the clock passes the lockout', async (t) => {
  const gw = await startGateway(t)
  const wrong = { authorization: 'SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=' + '0'.repeat(64), 'x-sdk-date': sdkDate(HOST_NOW) }
  for (let i = 0; i < 5; i++) t.equal((await fetch(gw.base + DOC, { headers: wrong })).status, 401)
  const locked = await gw.call('AK1')
  t.equal((await locked.json()).error_msg, IAM + 'AK access failed to reach the limit,forbidden.')
  await gw.control('POST', '/_emulator/clock', { offset_ms: 5 * MIN })
  t.equal((await gw.call('AK1')).status, 200, 'five minutes on, the AK is let in')
})

t.test('bad offsets are refused', async (t) => {
  const gw = await startGateway(t)
  for (const body of [{}, { offset_ms: 1.5 }, { offset_ms: '60000' }, { offset_ms: 1e15 }, { offset_ms: 1, extra: true }]) {
    const res = await gw.control('POST', '/_emulator/clock', body)
    t.equal(res.status, 400, JSON.stringify(body))
    t.equal((await res.json()).error_code, 'WKS.0001')
  }
  t.same(await (await gw.control('GET', '/_emulator/clock')).json(), { offset_ms: 0, now: '2026-11-29T12:00:00.000Z' }, 'nothing changed')
})
