import t from 'tap'
import { startCli } from './cli/run-cli.js'
import { build, captureLogs, DOC_PATH, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from './helper.js'

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

/** Waits up to `ms` for `check` to hold, polling; bounded so a broken flush fails instead of hanging. */
async function eventually (check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return true
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`the CLI's lines reach stdout while it runs, and every line is out when ${signal} stops it`, async (t) => {
    const cli = await startCli(t, ['--log-level', 'info'])
    const lookup = await fetch(cli.url + DOC_PATH, { headers: { 'x-auth-token': 't' } })
    const id = lookup.headers.get('x-request-id')!
    await lookup.arrayBuffer()
    // Written within the flush interval (100 ms); the bound only keeps a busy machine from failing the test.
    t.ok(await eventually(() => cli.output().includes(id), 5000), 'the request line is written while the server keeps running')
    const second = await fetch(cli.url + DOC_PATH, { headers: { 'x-auth-token': 't' } })
    const secondId = second.headers.get('x-request-id')!
    await second.arrayBuffer()
    cli.child.kill(signal)
    t.equal(await cli.exited, 0)
    const lines = cli.output().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
    t.ok(lines.some((l) => l.reqId === secondId && l.msg === 'request'), 'the last request line is written before the exit')
    t.same(lines.at(-1)?.signal, signal, 'the shutdown line, logged last, is out too')
  })
}
