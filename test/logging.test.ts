import t from 'tap'
import { build, captureLogs, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from './helper.js'

t.test('one line per request, with secrets redacted', async (t) => {
  const { stream: logStream, lines } = captureLogs()
  const app = await build(t, { logLevel: 'info' }, { logStream })
  const secrets = { token: 'tok-SECRET-1', sig: 'abcdef0123456789abcdef0123456789', sts: 'sts-SECRET-3' }
  await app.inject({ url: stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), headers: { 'x-auth-token': secrets.token } })
  await app.inject({
    url: stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`),
    headers: { authorization: `SDK-HMAC-SHA256 Access=AK1, SignedHeaders=x-sdk-date, Signature=${secrets.sig}`, 'x-sdk-date': '20260101T000000Z', 'x-security-token': secrets.sts }
  })
  t.equal(lines.length, 2, 'one line per request')
  const text = lines.join('\n')
  for (const secret of Object.values(secrets)) t.notMatch(text, secret)
  const [first, second] = lines.map((l) => JSON.parse(l))
  t.equal(first.req.headers['x-auth-token'], '[redacted]')
  t.equal(second.req.headers.authorization, '[redacted]')
  t.equal(second.req.headers['x-security-token'], '[redacted]')
  t.equal(first.res.statusCode, 200)
  t.match(first.reqId, /^[0-9a-f]{32}$/)
})

t.test('at warn, requests are not logged', async (t) => {
  const { stream: logStream, lines } = captureLogs()
  const app = await build(t, { logLevel: 'warn' }, { logStream })
  await app.inject({ url: '/_emulator/health' })
  t.same(lines, [])
})
