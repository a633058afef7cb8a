import t from 'tap'
import { assertError, build, DOC_PROJECT, DOC_TRANSACTION, stagesUrl, TOKEN } from '../helper.js'

const record = (tx: string, extra: object = {}) => ({ project_id: 'proj-a', transaction_id: tx, username: 'u1', biz_type: 'VDI', stages: [{ stage: 'CONNECT', duration: 9 }], ...extra })

t.test('upsert one record, then serve it', async (t) => {
  const app = await build(t, { fixtures: false })
  const res = await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: record('t1') })
  t.equal(res.statusCode, 201)
  t.same(res.json(), { count: 1 })
  t.match(res.headers['x-request-id'], /^[0-9a-f]{32}$/)
  const got = await app.inject({ url: stagesUrl('proj-a', '?transaction_id=t1'), headers: TOKEN })
  t.equal(got.body, '{"username":"u1","biz_type":"VDI","stages":[{"stage":"CONNECT","duration":9}]}')
})

t.test('upsert a batch; a later upsert replaces', async (t) => {
  const app = await build(t, { fixtures: false })
  const res = await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { transactions: [record('t1'), record('t2')] } })
  t.same(res.json(), { count: 2 })
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: record('t1', { username: 'u2' }) })
  const one = await app.inject({ url: '/_emulator/transactions/proj-a/t1' })
  t.same(one.json(), record('t1', { username: 'u2' }))
})

t.test('bad bodies: 400 naming the field, and nothing of the request stored', async (t) => {
  const app = await build(t, { fixtures: false })
  const post = (payload: unknown) => app.inject({ method: 'POST', url: '/_emulator/transactions', payload: payload as object })
  const cases: Array<[unknown, string]> = [
    [record('t1', { biz_type: 'TV' }), 'Invalid request body: field biz_type must be one of APP, DESKTOP, SHARE_APP, VDI.'],
    [record('t1', { extra: 1 }), 'Invalid request body: field extra is not an allowed field.'],
    [{ project_id: 'proj-a' }, 'Invalid request body: field transaction_id is required.'],
    [record('t1', { stages: [{ duration: '500' }] }), 'Invalid request body: field stages[0].duration must be integer.'],
    [{ transactions: [record('ok'), record('bad', { username: 5 })] }, 'Invalid request body: field transactions[1].username must be string.'],
    [{ transactions: [] }, 'Invalid request body: field transactions must have at least 1 items.'],
    [record('t1', { project_id: 'no spaces' }), 'Invalid request body: field project_id must match ^[0-9A-Za-z_-]{1,64}$.'],
    [[record('t1')], 'Invalid request body: field (body) must be object.']
  ]
  for (const [payload, msg] of cases) assertError(t, await post(payload), 400, 'WKS.0001', msg)
  const notJson = await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: '{"project_id":', headers: { 'content-type': 'application/json' } })
  assertError(t, notJson, 400, 'WKS.0001', 'Invalid request body: not valid JSON.')
  const wrongType = await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: 'x', headers: { 'content-type': 'text/plain' } })
  assertError(t, wrongType, 415, 'WKS.0001', 'Unsupported Content-Type: send the body as application/json.')
  t.same((await app.inject({ url: '/_emulator/transactions' })).json(), { transactions: [], total: 0 })
})

t.test('an oversized body is 413', async (t) => {
  const app = await build(t, { fixtures: false })
  const res = await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { transactions: [record('t', { username: 'x'.repeat(9 * 1024 * 1024) })] } })
  assertError(t, res, 413, 'APIGW.0201', 'Request entity too large.')
})

t.test('list pages in a stable order, per project or all', async (t) => {
  const app = await build(t)
  const all = (await app.inject({ url: '/_emulator/transactions?limit=1000' })).json()
  t.equal(all.total, 13)
  const keys = all.transactions.map((r: { project_id: string, transaction_id: string }) => `${r.project_id}/${r.transaction_id}`)
  t.same(keys, [...keys].sort())
  const page = (await app.inject({ url: `/_emulator/transactions?project_id=${DOC_PROJECT}&limit=3&offset=3` })).json()
  t.equal(page.total, 8)
  t.same(page.transactions.map((r: { transaction_id: string }) => r.transaction_id), keys.filter((k: string) => k.startsWith(DOC_PROJECT)).slice(3, 6).map((k: string) => k.split('/')[1]))
  assertError(t, await app.inject({ url: '/_emulator/transactions?limit=0' }), 400, 'WKS.0001', 'Invalid parameter limit: must be >= 1.')
  assertError(t, await app.inject({ url: '/_emulator/transactions?limit=ten' }), 400, 'WKS.0001', 'Invalid parameter limit: must be integer.')
})

t.test('get and delete one; delete a project', async (t) => {
  const app = await build(t)
  assertError(t, await app.inject({ url: '/_emulator/transactions/proj-a/none' }), 404, 'WKS.0202', 'The resource not found: transaction none in project proj-a.')
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { transactions: [record('a/b c'), record('t2')] } })
  t.same((await app.inject({ url: `/_emulator/transactions/proj-a/${encodeURIComponent('a/b c')}` })).json(), record('a/b c'))
  const del = await app.inject({ method: 'DELETE', url: `/_emulator/transactions/proj-a/${encodeURIComponent('a/b c')}` })
  t.equal(del.statusCode, 204)
  t.equal(del.body, '')
  assertError(t, await app.inject({ method: 'DELETE', url: '/_emulator/transactions/proj-a/a%2Fb%20c' }), 404, 'WKS.0202', 'The resource not found: transaction a/b c in project proj-a.')
  t.same((await app.inject({ method: 'DELETE', url: '/_emulator/transactions?project_id=proj-a' })).json(), { count: 1 })
  assertError(t, await app.inject({ method: 'DELETE', url: '/_emulator/transactions' }), 400, 'WKS.0001', 'Invalid parameter project_id: is required.')
  t.equal((await app.inject({ url: '/_emulator/health' })).json().transactions, 13, 'fixtures of other projects untouched')
})

t.test('--admin-token guards every control route, compared in constant time', async (t) => {
  const app = await build(t, { adminToken: 's3cret' })
  const msg = 'Incorrect IAM authentication information: emulator admin token missing or wrong'
  for (const [method, url] of [['GET', '/_emulator/health'], ['GET', '/_emulator/transactions'], ['POST', '/_emulator/reset'], ['GET', '/_emulator/openapi.json'], ['DELETE', '/_emulator/faults']] as const) {
    assertError(t, await app.inject({ method, url }), 401, 'APIGW.0301', msg)
    assertError(t, await app.inject({ method, url, headers: { authorization: 'Bearer wrong' } }), 401, 'APIGW.0301', msg)
  }
  t.equal((await app.inject({ url: '/_emulator/health', headers: { authorization: 'Bearer s3cret' } })).statusCode, 200)
  // The auth scheme is case-insensitive (RFC 9110 §11.1): clients that write `bearer` must get in too.
  for (const authorization of ['bearer s3cret', 'BEARER s3cret', 'Bearer  s3cret']) {
    t.equal((await app.inject({ url: '/_emulator/health', headers: { authorization } })).statusCode, 200, authorization)
  }
  for (const authorization of ['s3cret', 'Bearer', 'Bearer ', 'Basic s3cret', 'Bearers3cret', 'Bearer s3cret ']) {
    assertError(t, await app.inject({ url: '/_emulator/health', headers: { authorization } }), 401, 'APIGW.0301', msg)
  }
  const api = await app.inject({ url: stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), headers: TOKEN })
  t.equal(api.statusCode, 200, 'the emulated API does not need the admin token')
})

t.test('without --admin-token the control plane is open', async (t) => {
  const app = await build(t)
  t.equal((await app.inject({ url: '/_emulator/health' })).statusCode, 200)
})
