import t from 'tap'
import { assertError, build, DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'

const DOC = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)
const PAGE = 'http://localhost:5173'
const preflight = (origin: string, method = 'GET', headers = 'x-auth-token'): Record<string, string> =>
  ({ origin, 'access-control-request-method': method, 'access-control-request-headers': headers })
const CORS_HEADERS = ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age']
const corsHeadersOf = (headers: Record<string, unknown>): string[] => Object.keys(headers).filter((name) => name.startsWith('access-control-'))

t.test('emulated API: preflights are answered before auth, faults and the journal', async (t) => {
  const credentials = JSON.stringify({ aksk: [{ ak: 'AK', sk: 'SK' }], tokens: [{ token: 'good' }] })
  const app = await build(t, { cors: PAGE, auth: 'strict', credentialsJson: credentials })
  t.equal((await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: {}, action: { status: 503 } } })).statusCode, 201)

  const res = await app.inject({ method: 'OPTIONS', url: DOC, headers: preflight(PAGE, 'GET', 'X-Auth-Token, X-Request-Trace') })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  t.equal(res.headers['access-control-allow-origin'], PAGE)
  t.equal(res.headers['access-control-allow-methods'], 'GET, HEAD')
  t.match(res.headers['access-control-allow-headers'], /^Authorization, Content-Type, X-Auth-Token, X-Project-Id, X-Sdk-Content-Sha256, X-Sdk-Date, X-Security-Token, X-Request-Trace$/)
  t.equal(res.headers['access-control-max-age'], '600')
  t.match(res.headers['x-request-id'], /^[0-9a-f]{32}$/)

  const journal = (await app.inject('/_emulator/requests')).json().requests
  t.same(journal, [], 'a preflight is not an API call')
  t.equal((await app.inject('/_emulator/faults')).json().faults[0].matched, 0, 'nor a fault match')

  // The actual requests then carry the headers whatever their answer.
  const failed = await app.inject({ url: DOC, headers: { origin: PAGE } })
  assertError(t, failed, 401, 'APIGW.0301', 'Incorrect IAM authentication information: x-auth-token not found')
  t.equal(failed.headers['access-control-allow-origin'], PAGE, 'a 401 is readable by the page')
  t.equal(failed.headers['access-control-expose-headers'], 'X-Request-Id, X-Emulator-Request-Id, X-Apig-Latency, X-Apig-RateLimit-api, X-Apig-RateLimit-api-allenv, X-Apig-RateLimit-user, X-Apig-RateLimit-ip')
  t.equal(failed.headers.vary, 'Origin')
  const faulted = await app.inject({ url: DOC, headers: { origin: PAGE, 'x-auth-token': 'good' } })
  assertError(t, faulted, 503, 'APIGW.0203', 'Backend unavailable.')
  t.equal(faulted.headers['access-control-allow-origin'], PAGE, 'so is an injected fault')
  t.equal((await app.inject('/_emulator/requests')).json().requests.length, 2, 'actual requests are journalled')
})

t.test('emulated API: who gets what', async (t) => {
  const app = await build(t, { cors: PAGE })
  await t.test('an allowed origin reads the documented example', async (t) => {
    const res = await app.inject({ url: DOC, headers: { origin: PAGE, 'x-auth-token': 't' } })
    t.equal(res.body, DOC_BODY)
    t.same(corsHeadersOf(res.headers), ['access-control-allow-origin', 'access-control-allow-credentials', 'access-control-expose-headers'])
  })
  await t.test('another origin: preflight refused in the catalogue shape, actual answer without CORS headers', async (t) => {
    const res = await app.inject({ method: 'OPTIONS', url: DOC, headers: preflight('http://localhost:5174') })
    assertError(t, res, 403, 'APIGW.0302', 'Origin http://localhost:5174 is not allowed by --cors.')
    t.same(corsHeadersOf(res.headers), [])
    const actual = await app.inject({ url: DOC, headers: { origin: 'http://localhost:5174', 'x-auth-token': 't' } })
    t.equal(actual.statusCode, 200)
    t.same(corsHeadersOf(actual.headers), [])
    t.equal(actual.headers.vary, 'Origin')
  })
  await t.test('errors of every kind carry the headers', async (t) => {
    for (const [url, status, code] of [
      [stagesUrl(DOC_PROJECT, '?transaction_id=unknown'), 400, 'WKS.0001'],
      [stagesUrl(DOC_PROJECT), 400, 'WKS.0001'],
      ['/v2/nope', 404, 'APIGW.0101'],
      ['/v2/%zz/statistics/metrics/access-stages?transaction_id=x', 400, 'APIGW.0201']
    ] as const) {
      const res = await app.inject({ url, headers: { origin: PAGE, 'x-auth-token': 't' } })
      assertError(t, res, status, code, /./)
      t.equal(res.headers['access-control-allow-origin'], PAGE, url)
    }
  })
  await t.test('a preflight for an unknown path is answered, so the page can read the 404 that follows', async (t) => {
    t.equal((await app.inject({ method: 'OPTIONS', url: '/v2/nope', headers: preflight(PAGE) })).statusCode, 204)
  })
})

t.test('--cors *: any origin, named back (not a literal *), on the API only', async (t) => {
  const app = await build(t, { cors: '*', adminToken: 'admin' })
  const res = await app.inject({ method: 'OPTIONS', url: DOC, headers: preflight('https://anything.example', 'GET', 'x-custom-header') })
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], 'https://anything.example')
  t.match(res.headers['access-control-allow-headers'], /, x-custom-header$/, 'an unknown requested header is allowed')
  const control = await app.inject({ method: 'OPTIONS', url: '/_emulator/reset', headers: preflight('https://anything.example', 'POST') })
  assertError(t, control, 403, 'APIGW.0302', 'The emulator\'s control plane does not answer pages of origin https://anything.example; list the origin in --cors to allow it.')
  const withToken = await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { origin: 'https://anything.example', authorization: 'Bearer admin' } })
  assertError(t, withToken, 403, 'APIGW.0302', /control plane does not answer pages of origin https:\/\/anything\.example/)
  t.same(corsHeadersOf(withToken.headers), [])
})

t.test('control plane: listed origins only, with or without an admin token', async (t) => {
  const app = await build(t, { cors: `*,${PAGE}`, adminToken: 'admin' })
  const pre = await app.inject({ method: 'OPTIONS', url: '/_emulator/transactions', headers: preflight(PAGE, 'POST', 'authorization,content-type') })
  t.equal(pre.statusCode, 204, 'a preflight needs no admin token: browsers never send credentials with one')
  t.equal(pre.headers['access-control-allow-methods'], 'GET, HEAD, POST, PUT, DELETE')
  t.same(corsHeadersOf(pre.headers).sort(), [...CORS_HEADERS.filter((h) => h !== 'access-control-expose-headers')].sort())

  const noToken = await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { origin: PAGE } })
  assertError(t, noToken, 401, 'APIGW.0301', /admin token/)
  t.equal(noToken.headers['access-control-allow-origin'], PAGE, 'the listed page reads its 401')
  const ok = await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { origin: PAGE, authorization: 'Bearer admin' } })
  t.equal(ok.statusCode, 200)
  t.equal(ok.headers['access-control-allow-origin'], PAGE)

  for (const headers of [{ origin: 'http://evil.test' }, { origin: 'http://evil.test', authorization: 'Bearer admin' }]) {
    const res = await app.inject({ method: 'DELETE', url: '/_emulator/transactions?project_id=' + DOC_PROJECT, headers })
    assertError(t, res, 403, 'APIGW.0302', /origin http:\/\/evil\.test/)
  }
  t.equal((await app.inject({ url: '/_emulator/transactions', headers: { authorization: 'Bearer admin' } })).json().total, 13, 'nothing was deleted')
  assertError(t, await app.inject({ method: 'OPTIONS', url: '/_emulator/reset', headers: preflight('http://evil.test', 'POST') }), 403, 'APIGW.0302', /evil/)
})

t.test('without --cors: preflights are unknown methods, and the control plane still refuses foreign pages', async (t) => {
  const app = await build(t)
  assertError(t, await app.inject({ method: 'OPTIONS', url: DOC, headers: preflight(PAGE) }), 404, 'APIGW.0101', /does not exist/)
  const api = await app.inject({ url: DOC, headers: { origin: PAGE, 'x-auth-token': 't' } })
  t.equal(api.statusCode, 200)
  t.same(corsHeadersOf(api.headers), [])
  t.equal(api.headers.vary, undefined)
  const before = (await app.inject('/_emulator/transactions')).json().total
  assertError(t, await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { origin: 'http://localhost:5173' } }), 403, 'APIGW.0302', /localhost:5173/)
  t.equal((await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { project_id: 'p', transaction_id: 'x' }, headers: { origin: 'http://localhost:5173' } })).statusCode, 403)
  t.equal((await app.inject('/_emulator/transactions')).json().total, before, 'nothing stored')
  // Its own pages (the dashboard) are the emulator's origin: a same-origin POST carries Origin.
  const own = await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' } })
  t.equal(own.statusCode, 200)
  // A name resolved to 127.0.0.1 by a rebinding DNS server is not the emulator's own.
  assertError(t, await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { origin: 'http://rebind.attacker.test:8080', host: 'rebind.attacker.test:8080' } }), 403, 'APIGW.0302', /rebind/)
  t.equal((await app.inject('/_emulator/health')).statusCode, 200, 'a request without Origin (curl, SDKs, tests) is no browser page')
})
