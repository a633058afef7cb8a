import t from 'tap'
import { readFileSync } from 'node:fs'
import { assertError, build, DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, REQUEST_ID, stagesUrl, TOKEN } from '../helper.js'
import type { TransactionRecord } from '../../src/schemas/access-stages.js'

const fixtures = (JSON.parse(readFileSync(new URL('../../fixtures/transactions.json', import.meta.url), 'utf8')) as { transactions: TransactionRecord[] }).transactions

t.test('the documented example, exactly', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), headers: TOKEN })
  t.equal(res.statusCode, 200)
  t.equal(res.body, DOC_BODY)
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  t.match(res.headers['x-request-id'], REQUEST_ID)
})

t.test('every fixture record round-trips byte-exact', async (t) => {
  const app = await build(t)
  t.ok(fixtures.length >= 12)
  for (const { project_id: projectId, transaction_id: transactionId, ...body } of fixtures) {
    const res = await app.inject({ url: stagesUrl(projectId, `?transaction_id=${encodeURIComponent(transactionId)}`), headers: TOKEN })
    t.equal(res.statusCode, 200, transactionId)
    t.equal(res.body, JSON.stringify(body), transactionId)
  }
})

t.test('other query parameters are ignored', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: stagesUrl(DOC_PROJECT, `?limit=5&transaction_id=${DOC_TRANSACTION}&x=`), headers: TOKEN })
  t.equal(res.body, DOC_BODY)
})

t.test('transactions live in their project namespace', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: stagesUrl('0c9e2b8f71d34a6e9b5f4d3c2a1e0f9d', `?transaction_id=${DOC_TRANSACTION}`), headers: TOKEN })
  assertError(t, res, 400, 'WKS.0001', `Transaction ${DOC_TRANSACTION} not found in project 0c9e2b8f71d34a6e9b5f4d3c2a1e0f9d.`)
})

t.test('parameter errors', async (t) => {
  const app = await build(t)
  const get = (url: string) => app.inject({ url, headers: TOKEN })
  const EMPTY = 'The request message input by the interface is empty.'
  assertError(t, await get(stagesUrl(DOC_PROJECT)), 400, 'WKS.0001', EMPTY)
  assertError(t, await get(stagesUrl(DOC_PROJECT, '?transaction_id=')), 400, 'WKS.0001', EMPTY)
  assertError(t, await get(stagesUrl(DOC_PROJECT, '?other=1')), 400, 'WKS.0001', EMPTY)
  assertError(t, await get(stagesUrl(DOC_PROJECT, '?transaction_id=a&transaction_id=b')), 400, 'WKS.0001',
    'Invalid parameter transaction_id: must be given exactly once.')
  assertError(t, await get(stagesUrl(DOC_PROJECT, `?transaction_id=${'x'.repeat(129)}`)), 400, 'WKS.0001',
    'Invalid parameter transaction_id: must be at most 128 characters.')
  assertError(t, await get(stagesUrl('bad!project', '?transaction_id=a')), 400, 'WKS.0001',
    'Invalid parameter project_id: must match ^[0-9A-Za-z_-]{1,64}$.')
  assertError(t, await get(stagesUrl('p'.repeat(65), '?transaction_id=a')), 400, 'WKS.0001',
    'Invalid parameter project_id: must be at most 64 characters.')
  // 128 characters, any charset, is a valid transaction id that is simply not stored.
  const long = 'é'.repeat(128)
  assertError(t, await get(stagesUrl(DOC_PROJECT, `?transaction_id=${encodeURIComponent(long)}`)), 400, 'WKS.0001',
    `Transaction ${long} not found in project ${DOC_PROJECT}.`)
})

t.test('routes and methods that do not exist', async (t) => {
  const app = await build(t)
  const msg = 'The API does not exist or has not been published in the environment.'
  assertError(t, await app.inject({ url: '/v2/x/nothing', headers: TOKEN }), 404, 'APIGW.0101', msg)
  assertError(t, await app.inject({ method: 'POST', url: stagesUrl(DOC_PROJECT, '?transaction_id=a'), headers: TOKEN }), 404, 'APIGW.0101', msg)
  assertError(t, await app.inject({ url: stagesUrl(DOC_PROJECT, '/?transaction_id=a'), headers: TOKEN }), 404, 'APIGW.0101', msg)
  assertError(t, await app.inject({ url: '/v2/%E0%A4%A/statistics/metrics/access-stages?transaction_id=a', headers: TOKEN }), 400, 'APIGW.0201', 'API request error.')
})

t.test('unknown transaction: mode empty', async (t) => {
  const app = await build(t, { unknownTransaction: 'empty' })
  const res = await app.inject({ url: stagesUrl(DOC_PROJECT, '?transaction_id=nope'), headers: TOKEN })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '{"stages":[]}')
  const stored = await app.inject({ url: stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), headers: TOKEN })
  t.equal(stored.body, DOC_BODY, 'stored records still win')
})

t.test('unknown transaction: mode generate is deterministic across instances', async (t) => {
  const first = await build(t, { unknownTransaction: 'generate' })
  const second = await build(t, { unknownTransaction: 'generate', fixtures: false })
  const url = stagesUrl('proj-1', '?transaction_id=session-42')
  const a = await first.inject({ url, headers: TOKEN })
  const b = await second.inject({ url, headers: TOKEN })
  t.equal(a.statusCode, 200)
  t.equal(a.body, b.body)
  const body = a.json()
  t.match(body, { username: /^user\d{3}$/, biz_type: /^(APP|DESKTOP|SHARE_APP|VDI)$/ })
  t.ok(body.stages.length >= 1)
  for (const s of body.stages) t.equal(s.end_time - s.start_time, s.duration)
  const other = await first.inject({ url: stagesUrl('proj-2', '?transaction_id=session-42'), headers: TOKEN })
  t.not(other.body, a.body, 'the project is part of the key')
})
