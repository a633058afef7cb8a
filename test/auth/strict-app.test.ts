import t from 'tap'
import { signRequest } from '../../src/runtime/wire/aksk-signature.js'
import { assertError, build, DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'

const SK = 'app-test-sk-do-not-log'
const TOKEN = 'app-test-token-do-not-log'
const CREDENTIALS = JSON.stringify({ aksk: [{ ak: 'APPAK', sk: SK }], tokens: [{ token: TOKEN }] })
const IAM = 'Incorrect IAM authentication information: '
const url = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)

const sdkDate = (ms = Date.now()): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '')

/** Headers of a request to `target` signed as the nodejs SDK signs (content-type;host;x-project-id;x-sdk-date). */
function signed (target: string, { ak = 'APPAK', sk = SK, date = sdkDate() } = {}): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', host: 'localhost:80', 'x-project-id': DOC_PROJECT, 'x-sdk-date': date }
  headers.authorization = signRequest({ method: 'GET', url: target, headers }, ak, sk, ['content-type', 'host', 'x-project-id', 'x-sdk-date'])
  return headers
}

const strict = (t: Parameters<typeof build>[0], extra = {}) => build(t, { auth: 'strict', credentialsJson: CREDENTIALS, ...extra })

t.test('strict: a verified signature or a configured token gets the record', async (t) => {
  const app = await strict(t)
  const res = await app.inject({ url, headers: signed(url) })
  t.equal(res.statusCode, 200)
  t.equal(res.body, DOC_BODY)
  t.equal((await app.inject({ url, headers: { 'x-auth-token': TOKEN } })).body, DOC_BODY)
})

t.test('strict: each refusal is the gateway 401 with request_id = X-Request-Id', async (t) => {
  const app = await strict(t)
  const cases: Array<[Record<string, string>, string]> = [
    [{}, 'x-auth-token not found'],
    [signed(url, { sk: 'wrong' }), 'verify aksk signature fail'],
    [signed(url, { ak: 'NOAK' }), 'Get secretKey failed,ak:******,err:ak not exist'],
    [signed(url, { date: sdkDate(Date.now() - 16 * 60_000) }), 'verify aksk signature fail'],
    [signed(url, { date: sdkDate(Date.now() + 16 * 60_000) }), 'verify aksk signature fail'],
    [{ 'x-auth-token': 'not-' + TOKEN }, 'decrypt token fail'],
    [{ authorization: 'SDK-HMAC-SHA256 garbage' }, 'verify aksk signature fail']
  ]
  for (const [headers, detail] of cases) assertError(t, await app.inject({ url, headers }), 401, 'APIGW.0301', IAM + detail)
})

t.test('strict: authentication comes before parameter validation', async (t) => {
  const app = await strict(t)
  const bare = stagesUrl(DOC_PROJECT)
  assertError(t, await app.inject({ url: bare }), 401, 'APIGW.0301', IAM + 'x-auth-token not found')
  assertError(t, await app.inject({ url: bare, headers: signed(bare) }), 400, 'WKS.0001', 'The request message input by the interface is empty.')
})

t.test('strict: --lockout-threshold and --lockout-seconds', async (t) => {
  const app = await strict(t, { lockoutThreshold: 2, lockoutSeconds: 60 })
  for (let i = 0; i < 2; i++) await app.inject({ url, headers: signed(url, { sk: 'wrong' }) })
  assertError(t, await app.inject({ url, headers: signed(url) }), 401, 'APIGW.0301', IAM + 'AK access failed to reach the limit,forbidden.')
  const never = await strict(t, { lockoutThreshold: 0 })
  for (let i = 0; i < 10; i++) await never.inject({ url, headers: signed(url, { sk: 'wrong' }) })
  t.equal((await never.inject({ url, headers: signed(url) })).statusCode, 200)
})

t.test('strict: the control plane needs no emulated credentials', async (t) => {
  const app = await strict(t)
  t.equal((await app.inject({ url: '/_emulator/health' })).statusCode, 200)
})

t.test('strict: the journal records scheme, principal and outcome, never a secret', async (t) => {
  const app = await strict(t)
  const good = signed(url)
  await app.inject({ url, headers: good })
  const bad = signed(url, { sk: 'wrong' })
  await app.inject({ url, headers: bad })
  await app.inject({ url, headers: { 'x-auth-token': TOKEN } })
  await app.inject({ url, headers: { 'x-auth-token': 'other-secret-token' } })
  await app.inject({ url })
  const res = await app.inject({ url: '/_emulator/requests' })
  const entries = res.json().requests as Array<{ auth: unknown, outcome: string, status: number }>
  t.same(entries.map((e) => [e.auth, e.status, e.outcome]), [
    [{ scheme: 'aksk', principal: 'APPAK', ok: true }, 200, 'ok'],
    [{ scheme: 'aksk', principal: 'APPAK', ok: false }, 401, 'auth_failed'],
    [{ scheme: 'token', principal: 'token', ok: true }, 200, 'ok'],
    [{ scheme: 'token', principal: 'token', ok: false }, 401, 'auth_failed'],
    [{ scheme: 'none', ok: false }, 401, 'auth_failed']
  ])
  const signatures = [good, bad].map((h) => /Signature=(\w+)/.exec(h.authorization)![1])
  for (const secret of [SK, TOKEN, 'other-secret-token', ...signatures]) t.notMatch(res.body, secret, 'no secret in the journal')
})

t.test('relaxed and off are unchanged by strict existing', async (t) => {
  const relaxed = await build(t, { credentialsJson: CREDENTIALS })
  t.equal((await relaxed.inject({ url, headers: signed(url, { sk: 'wrong' }) })).body, DOC_BODY, 'relaxed verifies nothing')
  const off = await build(t, { auth: 'off' })
  t.equal((await off.inject({ url })).body, DOC_BODY)
})
