import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { signRequest } from '../../src/runtime/wire/aksk-signature.js'
import { parseCredentials } from '../../src/config/credentials.js'
import { MAX_SIGNED_BODY } from '../../src/api/auth/authenticator.js'
import { checkRelaxed } from '../../src/api/auth/relaxed.js'
import { createStrictAuthenticator } from '../../src/api/auth/strict.js'
import { authOutcome, type AuthOutcome, type Authenticator } from '../../src/api/auth/types.js'
import { installErrorHandling } from '../../src/runtime/http/error-handler.js'
import { createRingJournal } from '../../src/store/journal/ring.js'
import { createMetrics } from '../../src/runtime/metrics/metrics.js'
import { createPipeline } from '../../src/api/pipeline/index.js'
import { installApiEntrance } from '../../src/api/entrances/fastify.js'
import { captureLogs } from '../helper.js'

const SK = 'plugin-test-sk'
const credentials = parseCredentials(JSON.stringify({ aksk: [{ ak: 'AK1', sk: SK }], tokens: [{ token: 'tok-secret' }] }), 'test')

/** A bare app with only the pipeline's Fastify entrance (no faults) and the error handler, logging into `lines`. */
async function bareApp (t: Test, authenticate: Authenticator) {
  const logs = captureLogs()
  const app = Fastify({ logger: { level: 'debug', stream: logs.stream } })
  const journal = createRingJournal(100)
  const pipeline = createPipeline({
    authenticate,
    throttle: () => undefined,
    decideFault: () => undefined,
    latencyWait: () => 0,
    findBody: () => undefined,
    journal,
    metrics: createMetrics({ journalSize: () => 0, transactions: () => 0, faultRules: () => 0 }),
    account: () => {},
    log: app.log
  }, '/get')
  installErrorHandling(app)
  await app.register(async (api) => {
    installApiEntrance(api, pipeline)
    api.get('/get', async (request) => ({ auth: authOutcome(request.decisions!.auth!) }))
    api.post('/post', async (request) => ({ body: request.body }))
  })
  t.teardown(() => app.close())
  /** What the journal kept of each request's authentication. */
  const seen = (): AuthOutcome[] => journal.list().map((e) => e.auth)
  return { app, seen, lines: logs.entries }
}

function signedHeaders (method: string, url: string, body?: Buffer): Record<string, string> {
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')
  const headers: Record<string, string> = { host: 'localhost:80', 'x-sdk-date': date, 'content-type': 'application/json' }
  headers.authorization = signRequest({ method, url, headers, body }, 'AK1', SK, ['content-type', 'host', 'x-sdk-date'])
  return headers
}

t.test('the journal keeps scheme, principal and ok of the verdict only', async (t) => {
  const { app, seen } = await bareApp(t, createStrictAuthenticator(credentials))
  const ok = await app.inject({ url: '/get', headers: signedHeaders('GET', '/get') })
  t.same(ok.json(), { auth: { scheme: 'aksk', principal: 'AK1', ok: true } })
  await app.inject({ url: '/get', headers: { ...signedHeaders('GET', '/get'), 'x-sdk-date': '20000101T000000Z' } })
  await app.inject({ url: '/get', headers: { 'x-auth-token': 'tok-secret' } })
  await app.inject({ url: '/get', headers: { 'x-auth-token': 'wrong-secret' } })
  await app.inject({ url: '/get' })
  // strictSame: no other field (reason, canonical request) may reach what the journal stores.
  t.strictSame(seen(), [
    { scheme: 'aksk', principal: 'AK1', ok: true },
    { scheme: 'aksk', principal: 'AK1', ok: false },
    { scheme: 'token', principal: 'token', ok: true },
    { scheme: 'token', principal: 'token', ok: false },
    { scheme: 'none', ok: false }
  ])
})

t.test('a refusal is logged with its reason, and never a secret', async (t) => {
  const { app, lines: entries } = await bareApp(t, createStrictAuthenticator(credentials))
  const headers = signedHeaders('GET', '/get')
  const wrong = { ...headers, authorization: headers.authorization.replace(/Signature=\w+/, 'Signature=' + 'ab'.repeat(32)) }
  const res = await app.inject({ url: '/get', headers: wrong })
  t.equal(res.statusCode, 401)
  await app.inject({ url: '/get', headers: { 'x-auth-token': 'wrong-secret' } })
  const lines = entries()
  const refused = lines.filter((l) => l.msg === 'authentication refused')
  t.same(refused.map((l) => [l.auth, l.reason, l.detail]), [
    [{ scheme: 'aksk', principal: 'AK1', ok: false }, 'bad_signature', 'signature mismatch'],
    [{ scheme: 'token', principal: 'token', ok: false }, 'unknown_token', 'token not configured']
  ])
  const canonical = lines.find((l) => l.msg === 'canonical request computed by the emulator')
  t.match(canonical?.canonicalRequest, /^GET\n\/get\/\n\ncontent-type:application\/json\nhost:localhost:80\n/)
  const all = JSON.stringify(lines)
  for (const secret of [SK, 'wrong-secret', 'tok-secret', 'ab'.repeat(32)]) t.notMatch(all, secret, 'no secret in the log')
})

t.test('strict reads a sent body so its exact bytes are signed, then hands it on', async (t) => {
  const { app } = await bareApp(t, createStrictAuthenticator(credentials))
  const body = Buffer.from('{"a": [1, 2]}\n')
  const ok = await app.inject({ method: 'POST', url: '/post', headers: signedHeaders('POST', '/post', body), payload: body })
  t.same(ok.json(), { body: { a: [1, 2] } }, 'the route still gets the parsed body')
  const changed = await app.inject({ method: 'POST', url: '/post', headers: signedHeaders('POST', '/post', body), payload: '{"a": [1, 3]}\n' })
  t.equal(changed.statusCode, 401)
  const get = await app.inject({ url: '/get', headers: signedHeaders('GET', '/get', body), payload: body })
  t.equal(get.statusCode, 200, 'a body on a GET is signed too')
  const big = Buffer.alloc(MAX_SIGNED_BODY + 1, 'a')
  const tooBig = await app.inject({ method: 'POST', url: '/post', headers: signedHeaders('POST', '/post', big), payload: big })
  t.equal(tooBig.statusCode, 413)
})

t.test('relaxed does not read the body', async (t) => {
  const authenticate: Authenticator = (request) => { t.equal(request.body, undefined); return checkRelaxed(request) }
  const { app } = await bareApp(t, authenticate)
  const res = await app.inject({ method: 'POST', url: '/post', headers: { 'x-auth-token': 't', 'content-type': 'application/json' }, payload: '{"x":1}' })
  t.same(res.json(), { body: { x: 1 } })
})
