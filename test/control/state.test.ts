import t, { type Test } from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { loadFixtures } from '../../src/store/fixtures.js'
import { assertError, build, DOC_PROJECT, DOC_TRANSACTION } from '../helper.js'

const record = (projectId: string, tx: string, username = 'u1') =>
  ({ project_id: projectId, transaction_id: tx, username, biz_type: 'VDI', stages: [{ stage: 'CONNECT', duration: 9, is_success: true }] })

async function seeded (t: Test): Promise<FastifyInstance> {
  const app = await build(t, { fixtures: false })
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { transactions: [record('proj-b', 't2'), record('proj-a', 't1'), record('proj-b', 't1')] } })
  await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { id: 'slow-b', match: { project_id: 'proj-b' }, action: { kind: 'delay', delay_ms: 5 }, times: 2 } })
  await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { id: 'any-503', match: { transaction_id: 'boom' }, action: { status: 503 } } })
  return app
}

const exportText = async (app: FastifyInstance, query = ''): Promise<string> => {
  const res = await app.inject({ url: `/_emulator/state${query}` })
  if (res.statusCode !== 200) throw new Error(`export answered ${res.statusCode}: ${res.body}`)
  return res.body
}
const put = (app: FastifyInstance, payload: string | object, query = '') =>
  app.inject({ method: 'PUT', url: `/_emulator/state${query}`, payload, headers: { 'content-type': 'application/json' } })

t.test('export: one document, rules first, one record a line in key order', async (t) => {
  const app = await seeded(t)
  const res = await app.inject({ url: '/_emulator/state' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.equal(res.body, [
    '{"version":1,"faults":[{"id":"slow-b","match":{"project_id":"proj-b"},"action":{"kind":"delay","delay_ms":5},"times":2},' +
      '{"id":"any-503","match":{"transaction_id":"boom"},"action":{"status":503}}],"transactions":[',
    '{"project_id":"proj-a","transaction_id":"t1","username":"u1","biz_type":"VDI","stages":[{"stage":"CONNECT","duration":9,"is_success":true}]},',
    '{"project_id":"proj-b","transaction_id":"t1","username":"u1","biz_type":"VDI","stages":[{"stage":"CONNECT","duration":9,"is_success":true}]},',
    '{"project_id":"proj-b","transaction_id":"t2","username":"u1","biz_type":"VDI","stages":[{"stage":"CONNECT","duration":9,"is_success":true}]}',
    ']}',
    ''
  ].join('\n'))
  t.equal(await exportText(app, '?project_id=proj-b'), [
    '{"version":1,"project_id":"proj-b","faults":[{"id":"slow-b","match":{"project_id":"proj-b"},"action":{"kind":"delay","delay_ms":5},"times":2}],"transactions":[',
    '{"project_id":"proj-b","transaction_id":"t1","username":"u1","biz_type":"VDI","stages":[{"stage":"CONNECT","duration":9,"is_success":true}]},',
    '{"project_id":"proj-b","transaction_id":"t2","username":"u1","biz_type":"VDI","stages":[{"stage":"CONNECT","duration":9,"is_success":true}]}',
    ']}',
    ''
  ].join('\n'))
  t.equal(await exportText(app, '?project_id=nobody'), '{"version":1,"project_id":"nobody","faults":[],"transactions":[]}\n')
})

t.test('the document loads as a fixtures file', async (t) => {
  const app = await seeded(t)
  const dir = mkdtempSync(join(tmpdir(), 'wks-state-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'snapshot.json')
  writeFileSync(file, await exportText(app))
  t.same(loadFixtures(file), [record('proj-a', 't1'), record('proj-b', 't1'), record('proj-b', 't2')])
})

t.test('whole round trip: snapshot, change everything, put it back, the same bytes', async (t) => {
  const app = await seeded(t)
  const snapshot = await exportText(app)
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: record('proj-c', 'new') })
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: record('proj-a', 't1', 'changed') })
  await app.inject({ method: 'DELETE', url: '/_emulator/transactions/proj-b/t2' })
  await app.inject({ method: 'DELETE', url: '/_emulator/faults/any-503' })
  await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { id: 'extra', action: { status: 500 } } })
  t.not(await exportText(app), snapshot)

  const res = await put(app, snapshot)
  t.equal(res.statusCode, 200)
  t.same(res.json(), { transactions: 3, faults: 2 })
  t.equal(await exportText(app), snapshot, 'byte-identical')
})

t.test('project round trip: only that project is replaced', async (t) => {
  const app = await seeded(t)
  const snapshotB = await exportText(app, '?project_id=proj-b')
  await app.inject({ method: 'DELETE', url: '/_emulator/transactions?project_id=proj-b' })
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: record('proj-b', 't9') })
  await app.inject({ method: 'DELETE', url: '/_emulator/faults/slow-b' })
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: record('proj-a', 't1', 'changed-a') })
  const res = await put(app, snapshotB, '?project_id=proj-b')
  t.same(res.json(), { transactions: 2, faults: 1 })
  t.equal(await exportText(app, '?project_id=proj-b'), snapshotB, 'byte-identical for the project')
  t.equal((await app.inject({ url: '/_emulator/transactions/proj-a/t1' })).json().username, 'changed-a', 'other projects untouched')
  t.same((await app.inject({ url: '/_emulator/faults' })).json().faults.map((f: { id: string }) => f.id), ['any-503', 'slow-b'], 'rules of other namespaces kept')
})

t.test('a bad document changes nothing: 400 naming the problem', async (t) => {
  const app = await seeded(t)
  const before = await exportText(app)
  const doc = JSON.parse(before)
  const withRecords = (...records: object[]) => ({ ...doc, transactions: [...doc.transactions, ...records] })
  const cases: Array<[string | object, string, string]> = [
    [withRecords({ ...record('proj-a', 'x'), stages: [{ duration: '500' }] }), '', 'field transactions[3].stages[0].duration must be integer'],
    [withRecords(record('proj-a', 't1')), '', 'field transactions[3] repeats transaction t1 of project proj-a'],
    [{ ...doc, version: 2 }, '', 'field version must be equal to constant'],
    [{ ...doc, extra: true }, '', 'field extra is not an allowed field'],
    [{ transactions: [] }, '', 'field version is required'],
    [{ ...doc, faults: [...doc.faults, { id: 'any-503', action: {} }] }, '', 'field faults[2].id repeats fault rule any-503'],
    [{ ...doc, project_id: 'proj-b' }, '', 'the document is a snapshot of project proj-b: put it back with project_id=proj-b'],
    [{ ...doc, project_id: 'proj-b', faults: [] }, '?project_id=proj-b', 'field transactions[0].project_id must be proj-b, the project replaced'],
    [{ version: 1, faults: [{ id: 'x', action: {} }], transactions: [] }, '?project_id=proj-b', 'field faults[0].match.project_id must be proj-b, the project replaced'],
    [{ version: 1, faults: [{ id: 'any-503', match: { project_id: 'proj-b' }, action: {} }], transactions: [] }, '?project_id=proj-b', 'field faults[0].id any-503 is a rule of another namespace'],
    ['{"version":1,', '', 'not valid JSON']
  ]
  for (const [payload, query, problem] of cases) {
    assertError(t, await put(app, payload, query), 400, 'WKS.0001', `Invalid request body: ${problem}.`)
  }
  t.equal(await exportText(app), before, 'the state is as it was')
})

t.test('fault counters start again; the journal stays; the fixtures are state too', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { id: 'once', match: { project_id: DOC_PROJECT }, action: { status: 500 }, times: 1 } })
  const snapshot = await exportText(app)
  t.match(snapshot, `"transaction_id":"${DOC_TRANSACTION}"`, 'the fixtures are part of the state')
  const lookup = () => app.inject({ url: `/v2/${DOC_PROJECT}/statistics/metrics/access-stages?transaction_id=${DOC_TRANSACTION}`, headers: { 'x-auth-token': 't' } })
  t.equal((await lookup()).statusCode, 500)
  t.match((await app.inject({ url: '/_emulator/faults' })).json().faults, [{ id: 'once', fired: 1, spent: true }])
  t.same((await put(app, snapshot)).json(), { transactions: JSON.parse(snapshot).transactions.length, faults: 1 })
  t.match((await app.inject({ url: '/_emulator/faults' })).json().faults, [{ id: 'once', matched: 0, fired: 0, spent: false }])
  t.equal((await lookup()).statusCode, 500, 'the rule fires again')
  t.equal((await app.inject({ url: '/_emulator/requests/count' })).json().count, 2, 'the journal is not state')
})
