import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { signRequest } from '../../src/runtime/wire/aksk-signature.js'
import { startCli } from '../cli/run-cli.js'
import { DOC_PROJECT, DOC_TRANSACTION, build, captureLogs, stagesUrl } from '../helper.js'

// Every secret is fresh per run, so a match in the output can only come from this run's requests.
const secret = (label: string): string => `${label}-${randomBytes(12).toString('hex')}`
const S = {
  sk: secret('sk'),
  tempSk: secret('tempsk'),
  securityToken: secret('sts'),
  token: secret('token'),
  adminToken: secret('admin'),
  wrongToken: secret('wrong-token'),
  wrongAdmin: secret('wrong-admin'),
  wrongSk: secret('wrong-sk'),
  wrongSts: secret('wrong-sts')
}
const CREDENTIALS = JSON.stringify({
  aksk: [{ ak: 'LEAKTESTAK', sk: S.sk }, { ak: 'LEAKTEMPAK', sk: S.tempSk, security_token: S.securityToken }],
  tokens: [{ token: S.token }]
})
const target = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)
const sdkDate = (): string => new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')

/** Requests carrying every kind of secret, good and bad, plus the admin token; returns the signatures sent. */
async function sendSecrets (url: string): Promise<{ statuses: number[], signatures: string[] }> {
  const host = new URL(url).host
  const signatures: string[] = []
  const signed = (ak: string, sk: string, extra: Record<string, string> = {}): Record<string, string> => {
    const headers: Record<string, string> = { host, 'x-sdk-date': sdkDate(), ...extra }
    const names = Object.keys(headers).sort()
    headers.authorization = signRequest({ method: 'GET', url: target, headers }, ak, sk, names)
    signatures.push(/Signature=([0-9a-f]+)/.exec(headers.authorization)![1])
    return headers
  }
  const admin = { authorization: `Bearer ${S.adminToken}` }
  const calls: Array<[string, RequestInit]> = [
    [target, { headers: signed('LEAKTESTAK', S.sk) }],
    [target, { headers: signed('LEAKTESTAK', S.wrongSk) }],
    [target, { headers: signed('LEAKTEMPAK', S.tempSk, { 'x-security-token': S.securityToken }) }],
    [target, { headers: signed('LEAKTEMPAK', S.tempSk, { 'x-security-token': S.wrongSts }) }],
    [target, { headers: { 'x-auth-token': S.token } }],
    [target, { headers: { 'x-auth-token': S.wrongToken } }],
    [target, { headers: { 'x-auth-token': S.token, prefer: 'code=500' } }],
    ['/_emulator/requests', { headers: admin }],
    ['/_emulator/requests', { headers: { authorization: `Bearer ${S.wrongAdmin}` } }],
    ['/_emulator/health', { headers: { authorization: S.adminToken } }]
  ]
  // Enough bad signatures to lock the AK: the lockout path logs too.
  for (let i = 0; i < 6; i++) calls.push([target, { headers: signed('LEAKTESTAK', S.wrongSk) }])
  const statuses: number[] = []
  for (const [path, init] of calls) {
    const res = await fetch(url + path, init)
    await res.arrayBuffer()
    statuses.push(res.status)
  }
  return { statuses, signatures }
}

/** The journal and the metrics, read through the control plane. */
async function storedText (url: string): Promise<string> {
  const admin = { authorization: `Bearer ${S.adminToken}` }
  const journal = await (await fetch(`${url}/_emulator/requests`, { headers: admin })).text()
  const metrics = await (await fetch(`${url}/_emulator/metrics`, { headers: admin })).text()
  return `${journal}\n${metrics}`
}

function assertNoSecret (t: Test, where: string, text: string, signatures: string[]): void {
  const leaked = [...Object.entries(S), ...signatures.map((s, i): [string, string] => [`signature ${i}`, s])]
    .filter(([, value]) => text.includes(value)).map(([name]) => name)
  t.same(leaked, [], `no secret in ${where}`)
}

for (const auth of ['relaxed', 'strict'] as const) {
  t.test(`--auth ${auth}: no secret in any log line (trace level), journal entry or metric`, async (t) => {
    const { stream: logStream, lines } = captureLogs()
    const app = await build(t, { auth, credentialsJson: CREDENTIALS, adminToken: S.adminToken, logLevel: 'trace' }, { logStream })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const { statuses, signatures } = await sendSecrets(url)
    t.ok(statuses.includes(200) && statuses.includes(401), `answers ${statuses.join(' ')}`)
    const stored = await storedText(url)
    t.match(stored, /"principal":"LEAKTESTAK"|"principal":"token"/, 'the journal names principals')
    t.ok(lines.length > 15, `${lines.length} log lines captured`)
    t.match(lines.join(''), /"authorization":"\[redacted\]"/, 'headers are logged, their secrets redacted')
    assertNoSecret(t, 'the log', lines.join(''), signatures)
    assertNoSecret(t, 'the journal and metrics', stored, signatures)
  })
}

t.test('the CLI at --log-level trace, strict, credentials in the environment: nothing on stdout or stderr', async (t) => {
  const server = await startCli(t, ['--auth', 'strict', '--admin-token', S.adminToken, '--log-level', 'trace'], { WKS_EMULATOR_CREDENTIALS: CREDENTIALS })
  const { statuses, signatures } = await sendSecrets(server.url)
  t.ok(statuses.includes(200), `answers ${statuses.join(' ')}`)
  const stored = await storedText(server.url)
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
  t.match(server.output(), /authentication refused/, 'refusals are logged')
  assertNoSecret(t, 'the CLI output', server.output(), signatures)
  assertNoSecret(t, 'the journal and metrics', stored, signatures)
})

t.test('a start-up error about the credentials does not print them', async (t) => {
  const { runCli } = await import('../cli/run-cli.js')
  const broken = JSON.stringify({ aksk: [{ ak: 'LEAKTESTAK', sk: S.sk, extra: S.token }] })
  const bad = await runCli(['--auth', 'strict', '--port', '0'], { WKS_EMULATOR_CREDENTIALS: broken })
  t.equal(bad.code, 2)
  assertNoSecret(t, 'the error', bad.stdout + bad.stderr, [])
  const notJson = await runCli(['--auth', 'strict', '--port', '0'], { WKS_EMULATOR_CREDENTIALS: `{"aksk": [{"sk": "${S.sk}"` })
  t.equal(notJson.code, 2)
  assertNoSecret(t, 'the JSON error', notJson.stdout + notJson.stderr, [])
})
