import t from 'tap'
import { ConfigError, parseConfig } from '../../src/config/config.js'
import { decideCors, isControlPath } from '../../src/api/cors/decide.js'
import { apiOriginAllowed, controlOriginAllowed } from '../../src/api/cors/policy.js'
import { parseCorsOrigins } from '../../src/config/cors-flag.js'

t.test('--cors reads origins as browsers serialize them, or *', async (t) => {
  const policy = parseCorsOrigins('http://localhost:5173, HTTPS://App.Example.test:443/ ,http://127.0.0.1:3000')
  t.same([...policy.origins], ['http://localhost:5173', 'https://app.example.test', 'http://127.0.0.1:3000'])
  t.equal(policy.anyOrigin, false)
  const any = parseCorsOrigins('*')
  t.equal(any.anyOrigin, true)
  t.equal(any.origins.size, 0)
  t.same([...parseCorsOrigins('*,http://localhost:5173').origins], ['http://localhost:5173'], '* with names: names count for the control plane')
})

t.test('a bad --cors stops start-up with one line naming the entry', async (t) => {
  for (const [value, entry] of [
    ['localhost:5173', 'localhost:5173'],
    ['http://localhost:5173/app', 'http://localhost:5173/app'],
    ['http://localhost:5173?x', 'http://localhost:5173?x'],
    ['http://user@localhost', 'http://user@localhost'],
    ['ftp://localhost', 'ftp://localhost'],
    ['http://a.test,null', 'null'],
    [',', undefined]
  ] as const) {
    const message = entry === undefined
      ? `invalid --cors ${JSON.stringify(value)}: expected * or a comma list of origins`
      : `invalid --cors ${JSON.stringify(value)}: ${JSON.stringify(entry)} is not an origin: write scheme://host[:port], e.g. http://localhost:5173`
    t.throws(() => parseConfig(['--cors', value]), new ConfigError(message), value)
  }
  t.equal(parseConfig([], { WKS_EMULATOR_CORS: '*' }).cors, '*', 'WKS_EMULATOR_CORS')
})

t.test('the API takes any origin under *, the listed ones otherwise', async (t) => {
  const listed = parseCorsOrigins('http://localhost:5173')
  t.ok(apiOriginAllowed(listed, 'http://localhost:5173'))
  t.notOk(apiOriginAllowed(listed, 'http://localhost:5174'))
  t.notOk(apiOriginAllowed(listed, 'http://LOCALHOST:5173'), 'browsers send origins lowercase: anything else is not the listed one')
  t.ok(apiOriginAllowed(parseCorsOrigins('*'), 'null'), '* covers file:// pages (Origin: null) too')
  for (const origin of ['https://app.test', 'http://[::1]:5173', 'chrome-extension://abcdef', 'http://127.0.0.1:8080']) {
    t.ok(apiOriginAllowed(parseCorsOrigins('*'), origin), `* covers ${origin}`)
  }
  for (const origin of ['https://xn--bcher-kva.example', 'http://example.com.', 'http://example.com:65535', 'https://1.2.3.4', 'http://[fe80::1]:8080']) {
    t.ok(apiOriginAllowed(parseCorsOrigins('*'), origin), `* covers ${origin}`)
  }
  for (const origin of ['not a url', 'http://a.test/path', 'http://a.test?x', 'http://user@a.test', 'NULL', '', 'http://', 'a.test', 'http://a.test\\x',
    // Not as a browser serializes an origin: scheme or host case, raw UTF-8, a default, empty, 0 or
    // out-of-range port, a leading zero, a bad IPv4 or IPv6 literal, a zone id, a percent-escape.
    'HTTP://localhost:5173', 'http://EXAMPLE.com', 'http://b\u00c3\u00bccher.example', 'http://example.com:80', 'https://example.com:443', 'http://example.com:',
    'http://example.com:0', 'http://example.com:99999', 'http://example.com:080', 'https://999.1.1.1', 'http://[::1', 'http://[fe80::1%25eth0]', 'http://ex%41mple.com', 'http://a b']) {
    t.notOk(apiOriginAllowed(parseCorsOrigins('*'), origin), `* does not echo the malformed Origin ${JSON.stringify(origin)}`)
  }
})

t.test('the control plane: listed origins, or its own origin under a name DNS cannot fake', async (t) => {
  const any = parseCorsOrigins('*')
  t.notOk(controlOriginAllowed(any, 'http://localhost:5173', '127.0.0.1:8080', false), '* never covers the control plane')
  t.ok(controlOriginAllowed(parseCorsOrigins('http://localhost:5173'), 'http://localhost:5173', '127.0.0.1:8080', false), 'listed by name')
  t.notOk(controlOriginAllowed(undefined, 'http://localhost:5173', '127.0.0.1:8080', false))
  // Its own pages (the dashboard) send Origin on POST and DELETE.
  t.ok(controlOriginAllowed(undefined, 'http://127.0.0.1:8080', '127.0.0.1:8080', false))
  t.ok(controlOriginAllowed(undefined, 'http://localhost:8080', 'localhost:8080', false))
  t.ok(controlOriginAllowed(undefined, 'https://[::1]:8443', '[::1]:8443', true))
  t.ok(controlOriginAllowed(undefined, 'http://app.localhost:8080', 'app.localhost:8080', false))
  t.notOk(controlOriginAllowed(undefined, 'http://127.0.0.1:8080', '127.0.0.1:8080', true), 'an http page is not the https emulator')
  t.notOk(controlOriginAllowed(undefined, 'http://127.0.0.1:9999', '127.0.0.1:8080', false))
  // DNS rebinding: a page of attacker.test whose name now resolves to 127.0.0.1 looks same-origin to the browser.
  t.notOk(controlOriginAllowed(undefined, 'http://attacker.test:8080', 'attacker.test:8080', false))
  t.ok(controlOriginAllowed(parseCorsOrigins('http://emulator.test:8080'), 'http://emulator.test:8080', 'emulator.test:8080', false), 'unless listed')
  t.notOk(controlOriginAllowed(undefined, 'http://127.0.0.1:8080', undefined, false), 'no Host, no own origin')
  t.notOk(controlOriginAllowed(undefined, 'null', 'bad host', false))
})

t.test('decideCors', async (t) => {
  const api = '/v2/p/statistics/metrics/access-stages?transaction_id=t'
  const page = 'http://localhost:5173'
  const preflight = { origin: page, 'access-control-request-method': 'GET', 'access-control-request-headers': 'X-Auth-Token,x-trace-id, bad header' }
  const listed = parseCorsOrigins(page)

  t.same(decideCors(undefined, { method: 'GET', url: api, headers: {}, secure: false }), { kind: 'answer', headers: undefined }, 'off: nothing')
  t.same(decideCors(undefined, { method: 'OPTIONS', url: api, headers: preflight, secure: false }), { kind: 'answer', headers: undefined }, 'off: a preflight is an unknown method')
  t.same(decideCors(listed, { method: 'GET', url: api, headers: {}, secure: false }), { kind: 'answer', headers: { vary: 'Origin' } }, 'on: Vary even without Origin')

  const answer = decideCors(listed, { method: 'OPTIONS', url: api, headers: preflight, secure: false })
  t.same(answer, {
    kind: 'preflight',
    headers: {
      'access-control-allow-origin': page,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, HEAD',
      'access-control-allow-headers': 'Authorization, Content-Type, X-Auth-Token, X-Project-Id, X-Sdk-Content-Sha256, X-Sdk-Date, X-Security-Token, x-trace-id',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'
    }
  }, 'SDK headers always, asked-for ones added, a malformed name dropped')
  t.same(decideCors(listed, { method: 'OPTIONS', url: api, headers: { origin: page }, secure: false }).kind, 'answer', 'OPTIONS without Access-Control-Request-Method is no preflight')
  const pna = decideCors(listed, { method: 'OPTIONS', url: api, headers: { ...preflight, 'access-control-request-private-network': 'true' }, secure: false })
  t.equal(pna.kind === 'preflight' && pna.headers['access-control-allow-private-network'], 'true', 'Private Network Access: asked, allowed')
  t.notOk(answer.kind === 'preflight' && 'access-control-allow-private-network' in answer.headers, 'not asked, not sent')

  const refused = decideCors(listed, { method: 'OPTIONS', url: api, headers: { ...preflight, origin: 'http://evil.test' }, secure: false })
  t.equal(refused.kind, 'refused')
  if (refused.kind === 'refused') t.same(refused.error.toBody('id'), { error_code: 'APIGW.0302', error_msg: 'Origin http://evil.test is not allowed by --cors.', request_id: 'id' })
  t.same(decideCors(listed, { method: 'GET', url: api, headers: { origin: 'http://evil.test' }, secure: false }), { kind: 'answer', headers: { vary: 'Origin' } }, 'an actual request of another origin: answered without CORS headers')

  const control = decideCors(parseCorsOrigins('*'), { method: 'POST', url: '/_emulator/reset', headers: { origin: page, host: '127.0.0.1:8080' }, secure: false })
  t.equal(control.kind, 'refused', '* does not open the control plane')
  if (control.kind === 'refused') t.equal(control.error.statusCode, 403)
  t.same(decideCors(undefined, { method: 'GET', url: '/_emulator/health', headers: {}, secure: false }), { kind: 'answer', headers: undefined }, 'no Origin: not a browser page, answered as ever')
  const controlPreflight = decideCors(listed, { method: 'OPTIONS', url: '/_emulator/transactions', headers: { ...preflight, 'access-control-request-method': 'POST' }, secure: false })
  t.equal(controlPreflight.kind === 'preflight' && controlPreflight.headers['access-control-allow-methods'], 'GET, HEAD, POST, PUT, DELETE')
  const long = decideCors(undefined, { method: 'GET', url: '/_emulator/health', headers: { origin: `http://${'a'.repeat(5000)}.test` }, secure: false })
  t.ok(long.kind === 'refused' && long.error.message.length < 400, 'a huge Origin is cut short in the message')
})

t.test('isControlPath', async (t) => {
  for (const url of ['/_emulator/health', '/_emulator', '/_emulator?x=1', '/_emulator/ui/']) t.ok(isControlPath(url), url)
  for (const url of ['/_emulatorx', '/v2/_emulator/x', '/']) t.notOk(isControlPath(url), url)
})
