import t from 'tap'
import { assertError, build, DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'

const url = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)
const NOT_FOUND = 'Incorrect IAM authentication information: x-auth-token not found'
const SIGNED = {
  authorization: 'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=host;x-sdk-date, Signature=faafba090046ef84c81ca330e77576d8746733ddfcf0317aaeb59cff50da39a7',
  'x-sdk-date': '20191115T033655Z'
}

t.test('relaxed (default): any token or AK/SK-shaped header passes, unverified', async (t) => {
  const app = await build(t)
  t.equal((await app.inject({ url, headers: { 'x-auth-token': 'anything' } })).body, DOC_BODY)
  t.equal((await app.inject({ url, headers: SIGNED })).body, DOC_BODY)
})

t.test('relaxed: no credentials is the gateway 401, before parameter checks', async (t) => {
  const app = await build(t)
  assertError(t, await app.inject({ url }), 401, 'APIGW.0301', NOT_FOUND)
  assertError(t, await app.inject({ url: stagesUrl(DOC_PROJECT) }), 401, 'APIGW.0301', NOT_FOUND)
  assertError(t, await app.inject({ url, headers: { 'x-auth-token': '  ' } }), 401, 'APIGW.0301', NOT_FOUND)
})

t.test('relaxed: a malformed or dateless AK/SK header is a signature failure', async (t) => {
  const app = await build(t)
  const msg = 'Incorrect IAM authentication information: verify aksk signature fail'
  assertError(t, await app.inject({ url, headers: { authorization: 'Bearer abc' } }), 401, 'APIGW.0301', msg)
  assertError(t, await app.inject({ url, headers: { authorization: SIGNED.authorization } }), 401, 'APIGW.0301', msg)
})

t.test('off: nothing is checked', async (t) => {
  const app = await build(t, { auth: 'off' })
  t.equal((await app.inject({ url })).body, DOC_BODY)
})

t.test('the control plane is never subject to emulated auth', async (t) => {
  const app = await build(t)
  t.equal((await app.inject({ url: '/_emulator/health' })).statusCode, 200)
})
