import t, { type Test } from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp } from '../../src/app.js'
import { resolveConfig } from '../../src/config/config.js'
import { startCli } from '../cli/run-cli.js'
import { captureLogs, DOC_BODY, DOC_PROJECT, DOC_TRANSACTION } from '../helper.js'
import {
  akskCredential, ClientRequestException, sdkClient, showUserAccessStages, TokenCredential, type AkskParams, type CallOptions
} from './sdk-client.js'

// The official @huaweicloud/huaweicloud-sdk-core drives a strict emulator over a real port: what the
// SDK signs must verify, and the gateway's refusals must reach the caller as the SDK's exceptions.

const PID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'
const IAM = 'Incorrect IAM authentication information: '
const MIN = 60_000

/** Transaction ids that exercise every encoding path between the SDK's signer, its wire form and the verifier. */
const IDS = [
  'plain-0123456789',
  'with space',
  '  leading and trailing  ',
  'slash/inside/the/id',
  "sub-delims!'()*",
  'unicode-事务-ключ-é',
  'emoji-😀-🚀',
  'percent-%-100%',
  'looks-encoded-%41%2F%zz',
  'plus+sign',
  'equals=sign',
  'amp&ersand',
  'question?mark',
  'hash#fragment',
  'unreserved-~._',
  'gen-delims:@[]',
  'others$,;"<>\\^`{|}',
  'control\tand\nnewline'
]

const record = (i: number) => ({
  username: `user-${i}`,
  biz_type: 'DESKTOP',
  stages: [{ stage: 'CONNECT', duration: 100 + i, is_success: true, start_time: 1767607200000 + i, end_time: 1767607200100 + 2 * i, error_code: 'WKS.00000000', error_msg: 'OK' }]
})

const AK = { ak: 'SDKAK', sk: 'sdk-secret-key', projectId: PID }
const CREDENTIALS = {
  aksk: [
    { ak: AK.ak, sk: AK.sk },
    { ak: 'LOCKAK', sk: 'lock-secret-key' },
    { ak: 'TEMPAK', sk: 'temp-secret-key', security_token: 'temporary-security-token' },
    { ak: 'EXPIREDAK', sk: 'expired-secret-key', expires_at: '2020-01-01T00:00:00Z' }
  ],
  tokens: [{ token: 'sdk-token' }, { token: 'expired-token', expires_at: '2020-01-01T00:00:00Z' }]
}

async function start (t: Test) {
  const dir = t.testdir({})
  const fixtures = join(dir, 'fixtures.json')
  writeFileSync(fixtures, JSON.stringify({ transactions: IDS.map((id, i) => ({ project_id: PID, transaction_id: id, ...record(i) })) }))
  const credentials = join(dir, 'credentials.json')
  writeFileSync(credentials, JSON.stringify(CREDENTIALS))
  const logs = captureLogs()
  const app = await buildApp(resolveConfig({ auth: 'strict', credentials, fixtures, logLevel: 'info' }), { logStream: logs.stream })
  t.teardown(() => app.close())
  const endpoint = await app.listen({ port: 0, host: '127.0.0.1' })
  const lastRequest = async (): Promise<{ request_id: string, auth: unknown, transaction_id?: string }> => {
    const res = await fetch(`${endpoint}/_emulator/requests?limit=1`)
    return ((await res.json()) as { requests: Array<{ request_id: string, auth: unknown }> }).requests[0]
  }
  const lastRefusal = () => logs.entries().filter((l) => l.msg === 'authentication refused').at(-1)?.detail
  return { endpoint, lastRequest, lastRefusal }
}

const aksk = (endpoint: string, params: Partial<AkskParams> = {}) => sdkClient(endpoint, akskCredential({ ...AK, ...params }))
const sdkDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '')

t.test('official SDK core against --auth strict', async (t) => {
  const { endpoint, lastRequest, lastRefusal } = await start(t)

  /** The call must fail as ClientRequestException carrying our status, code, message and X-Request-Id. */
  async function refused (t: Test, call: Promise<unknown>, status: number, code: string, msg: string): Promise<void> {
    const err = await call.then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof ClientRequestException, 'ClientRequestException')
    const e = err as ClientRequestException
    t.same({ httpStatusCode: e.httpStatusCode, errorCode: e.errorCode, errorMsg: e.errorMsg }, { httpStatusCode: status, errorCode: code, errorMsg: msg })
    t.match(e.requestId, /^[0-9a-f]{32}$/)
    t.equal(e.requestId, (await lastRequest()).request_id, 'requestId is the X-Request-Id we sent')
  }

  t.test(`valid AK/SK: ${IDS.length} transaction-id encodings all verify and return their record`, async (t) => {
    t.ok(IDS.length >= 12)
    const client = aksk(endpoint)
    for (const [i, id] of IDS.entries()) {
      t.same(await showUserAccessStages(client, id), { ...record(i), httpStatusCode: 200 }, JSON.stringify(id))
      t.has(await lastRequest(), { auth: { scheme: 'aksk', principal: 'SDKAK', ok: true }, transaction_id: id }, 'journal: principal is the AK')
    }
  })

  t.test('signed extra and repeated query parameters verify; then the API\'s own rules apply', async (t) => {
    const client = aksk(endpoint)
    t.same(await showUserAccessStages(client, IDS[1], { query: { 'zeta key': 'v/1', alpha: ['b', 'a c'] } }), { ...record(1), httpStatusCode: 200 })
    await refused(t, showUserAccessStages(client, ['tx-b', 'tx-a']), 400, 'WKS.0001', 'Invalid parameter transaction_id: must be given exactly once.')
    await refused(t, showUserAccessStages(client, ''), 400, 'WKS.0001', 'The request message input by the interface is empty.')
    await refused(t, showUserAccessStages(client, 'not-stored'), 400, 'WKS.0001', `Transaction not-stored not found in project ${PID}.`)
  })

  t.test('bad signature: wrong SK', async (t) => {
    await refused(t, showUserAccessStages(aksk(endpoint, { sk: 'not-the-sk' }), IDS[0]), 401, 'APIGW.0301', IAM + 'verify aksk signature fail')
    t.equal(lastRefusal(), 'signature mismatch')
  })

  t.test('unknown AK', async (t) => {
    await refused(t, showUserAccessStages(aksk(endpoint, { ak: 'NOSUCHAK' }), IDS[0]), 401, 'APIGW.0301', IAM + 'Get secretKey failed,ak:******,err:ak not exist')
  })

  t.test('X-Sdk-Date skew: 14 minutes either way passes, 16 minutes either way fails', async (t) => {
    const client = aksk(endpoint)
    const at = (offset: number): CallOptions => ({ headers: { 'X-Sdk-Date': sdkDate(Date.now() + offset) } })
    t.equal((await showUserAccessStages(client, IDS[0], at(-14 * MIN))).httpStatusCode, 200, 'the SDK signs with the date it is given')
    t.equal((await showUserAccessStages(client, IDS[0], at(14 * MIN))).httpStatusCode, 200)
    await refused(t, showUserAccessStages(client, IDS[0], at(-16 * MIN)), 401, 'APIGW.0301', IAM + 'verify aksk signature fail')
    t.match(lastRefusal(), /more than 15 minutes/)
    await refused(t, showUserAccessStages(client, IDS[0], at(16 * MIN)), 401, 'APIGW.0301', IAM + 'verify aksk signature fail')
    t.match(lastRefusal(), /more than 15 minutes/)
  })

  t.test('temporary credentials: the security token must be sent, signed and right', async (t) => {
    const temp = { ak: 'TEMPAK', sk: 'temp-secret-key' }
    t.equal((await showUserAccessStages(aksk(endpoint, { ...temp, securityToken: 'temporary-security-token' }), IDS[4])).httpStatusCode, 200)
    await refused(t, showUserAccessStages(aksk(endpoint, temp), IDS[4]), 401, 'APIGW.0301', IAM + 'verify aksk signature fail')
    t.equal(lastRefusal(), 'X-Security-Token is required for this temporary AK')
    await refused(t, showUserAccessStages(aksk(endpoint, { ...temp, securityToken: 'another-token' }), IDS[4]), 401, 'APIGW.0301', IAM + 'verify aksk signature fail')
    t.equal(lastRefusal(), 'X-Security-Token does not match')
  })

  t.test('expired AK/SK pair', async (t) => {
    await refused(t, showUserAccessStages(aksk(endpoint, { ak: 'EXPIREDAK', sk: 'expired-secret-key' }), IDS[0]), 401, 'APIGW.0301', IAM + 'verify aksk signature fail')
    t.equal(lastRefusal(), 'the AK/SK pair expired at 2020-01-01T00:00:00.000Z')
  })

  t.test('locked AK: five failures, then even the right SK is refused', async (t) => {
    for (let i = 0; i < 5; i++) {
      await refused(t, showUserAccessStages(aksk(endpoint, { ak: 'LOCKAK', sk: 'guess' }), IDS[0]), 401, 'APIGW.0301', IAM + 'verify aksk signature fail')
    }
    await refused(t, showUserAccessStages(aksk(endpoint, { ak: 'LOCKAK', sk: 'lock-secret-key' }), IDS[0]), 401, 'APIGW.0301', IAM + 'AK access failed to reach the limit,forbidden.')
    t.equal((await showUserAccessStages(aksk(endpoint), IDS[0])).httpStatusCode, 200, 'other AKs are not affected')
  })

  t.test('token mode through the core\'s credential interface', async (t) => {
    const token = (value: string) => sdkClient(endpoint, new TokenCredential(value, PID))
    t.same(await showUserAccessStages(token('sdk-token'), IDS[6]), { ...record(6), httpStatusCode: 200 })
    t.same((await lastRequest()).auth, { scheme: 'token', principal: 'token', ok: true })
    await refused(t, showUserAccessStages(token('unknown-token'), IDS[6]), 401, 'APIGW.0301', IAM + 'decrypt token fail')
    await refused(t, showUserAccessStages(token('expired-token'), IDS[6]), 401, 'APIGW.0301', IAM + 'token expires, expires_at: 2020-01-01T00:00:00.000Z')
  })
})

t.test('the built CLI takes the credentials JSON from WKS_EMULATOR_CREDENTIALS', async (t) => {
  const server = await startCli(t, ['--auth', 'strict'], { WKS_EMULATOR_CREDENTIALS: JSON.stringify(CREDENTIALS) })
  const result = await showUserAccessStages(aksk(server.url, { projectId: DOC_PROJECT }), DOC_TRANSACTION)
  t.equal(JSON.stringify({ ...result, httpStatusCode: undefined }), DOC_BODY, 'the bundled documented example')
  const err = await showUserAccessStages(aksk(server.url, { projectId: DOC_PROJECT, sk: 'wrong' }), DOC_TRANSACTION).catch((e: unknown) => e)
  t.equal((err as ClientRequestException).errorMsg, IAM + 'verify aksk signature fail')
  t.notMatch(server.output(), CREDENTIALS.aksk[0].sk, 'the SK is not logged')
})
