import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, stagesUrl, TOKEN } from '../helper.js'

const OTHER = '0c9e2b8f71d34a6e9b5f4d3c2a1e0f9d'
const docUrl = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)

function faultsFile (rules: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wks-faults-')), 'faults.json')
  writeFileSync(file, JSON.stringify(rules))
  return file
}

t.test('reset of one project restores its fixtures, start-up rules and journal, and leaves others alone', async (t) => {
  const faults = faultsFile({ faults: [{ id: 'boot', match: { project_id: DOC_PROJECT, transaction_id: 'nothing-here' }, action: { status: 503 } }] })
  const app = await build(t, { faults })
  const post = (url: string, payload?: object) => app.inject({ method: 'POST', url, payload })
  // Change both namespaces: data, rules and journal.
  await post('/_emulator/transactions', { project_id: DOC_PROJECT, transaction_id: DOC_TRANSACTION, username: 'changed' })
  await post('/_emulator/transactions', { project_id: DOC_PROJECT, transaction_id: 'extra' })
  await post('/_emulator/transactions', { project_id: OTHER, transaction_id: 'extra' })
  await app.inject({ method: 'DELETE', url: '/_emulator/faults/boot' })
  await post('/_emulator/faults', { id: 'runtime', match: { project_id: DOC_PROJECT }, action: { status: 500 } })
  await post('/_emulator/faults', { id: 'other', match: { project_id: OTHER }, action: { status: 500 } })
  await app.inject({ url: stagesUrl(OTHER, '?transaction_id=tx-0001'), headers: TOKEN })
  await app.inject({ url: docUrl, headers: TOKEN })

  const res = await post(`/_emulator/reset?project_id=${DOC_PROJECT}`)
  t.equal(res.statusCode, 200)
  t.same(res.json(), { transactions: 8, faults: 2 })
  t.equal((await app.inject({ url: docUrl, headers: TOKEN })).body, DOC_BODY, 'fixture restored')
  t.equal((await app.inject({ url: `/_emulator/transactions/${DOC_PROJECT}/extra` })).statusCode, 404, 'added record gone')
  t.same((await app.inject({ url: '/_emulator/faults' })).json().faults.map((f: { id: string }) => f.id).sort(), ['boot', 'other'])
  t.equal((await app.inject({ url: `/_emulator/transactions/${OTHER}/extra` })).statusCode, 200, 'other project data untouched')
  const journal = (await app.inject({ url: '/_emulator/requests' })).json().requests
  t.same(journal.map((e: { project_id: string }) => e.project_id), [OTHER, DOC_PROJECT], 'only the reset project lost its entries (the request after reset stays)')
  t.equal(journal[0].fault_id, 'other')
})

t.test('full reset: everything back, journal empty', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { project_id: 'p9', transaction_id: 'x' } })
  await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { action: { status: 500 } } })
  await app.inject({ url: docUrl, headers: TOKEN })
  t.same((await app.inject({ method: 'POST', url: '/_emulator/reset' })).json(), { transactions: 13, faults: 0 })
  t.same((await app.inject({ url: '/_emulator/requests' })).json(), { requests: [], next_after_seq: 1, has_more: false }, 'empty; a cursor goes on from the last seq given')
})

t.test('journal entries: fields, filters, count, clear; no secrets', async (t) => {
  const app = await build(t)
  await app.inject({ url: docUrl, headers: { 'x-auth-token': 'TOKEN-SECRET' } })
  await app.inject({ url: stagesUrl(DOC_PROJECT, '?transaction_id=missing'), headers: { authorization: 'SDK-HMAC-SHA256 Access=AK9, SignedHeaders=x-sdk-date, Signature=abcdef', 'x-sdk-date': '20260101T000000Z' } })
  await app.inject({ url: stagesUrl(OTHER, '?transaction_id=tx-0001') })
  await app.inject({ url: '/_emulator/health' })
  const { requests } = (await app.inject({ url: '/_emulator/requests' })).json()
  t.equal(requests.length, 3, 'only emulated-API requests are journalled')
  const [first, second, third] = requests
  t.match(first, {
    seq: Number,
    time: /^\d{4}-\d\d-\d\dT/,
    request_id: /^[0-9a-f]{32}$/,
    method: 'GET',
    path: `/v2/${DOC_PROJECT}/statistics/metrics/access-stages`,
    project_id: DOC_PROJECT,
    transaction_id: DOC_TRANSACTION,
    status: 200,
    duration_ms: Number,
    auth: { scheme: 'token', principal: 'token', ok: true },
    outcome: 'ok'
  })
  t.same(second.auth, { scheme: 'aksk', principal: 'AK9', ok: true })
  t.equal(second.outcome, 'error')
  t.same(third.auth, { scheme: 'none', ok: false })
  t.equal(third.outcome, 'auth_failed')
  t.ok(first.seq < second.seq && second.seq < third.seq, 'newest last')
  const text = JSON.stringify(requests)
  t.notMatch(text, 'TOKEN-SECRET')
  t.notMatch(text, 'abcdef')

  t.same((await app.inject({ url: `/_emulator/requests?project_id=${DOC_PROJECT}&status=400` })).json().requests.map((r: { seq: number }) => r.seq), [second.seq])
  t.same((await app.inject({ url: `/_emulator/requests?transaction_id=${DOC_TRANSACTION}` })).json().requests.length, 1)
  t.same((await app.inject({ url: '/_emulator/requests?limit=2' })).json().requests.map((r: { seq: number }) => r.seq), [second.seq, third.seq], 'limit keeps the newest')
  t.same((await app.inject({ url: `/_emulator/requests/count?project_id=${DOC_PROJECT}` })).json(), { count: 2 })
  t.same((await app.inject({ method: 'DELETE', url: `/_emulator/requests?project_id=${OTHER}` })).json(), { count: 1 })
  t.same((await app.inject({ url: '/_emulator/requests/count' })).json(), { count: 2 })
})

t.test('the journal is a bounded ring', async (t) => {
  const app = await build(t, { journalSize: 5 })
  for (let i = 0; i < 12; i++) await app.inject({ url: stagesUrl(DOC_PROJECT, `?transaction_id=n${i}`), headers: TOKEN })
  const { requests } = (await app.inject({ url: '/_emulator/requests' })).json()
  t.same(requests.map((r: { transaction_id: string }) => r.transaction_id), ['n7', 'n8', 'n9', 'n10', 'n11'])
  const off = await build(t, { journalSize: 0 })
  await off.inject({ url: docUrl, headers: TOKEN })
  t.same((await off.inject({ url: '/_emulator/requests/count' })).json(), { count: 0 }, '--journal-size 0 turns it off')
})

t.test('a bad --faults file stops start-up with a clear message', async (t) => {
  const file = faultsFile({ faults: [{ action: { status: 700 } }] })
  await t.rejects(build(t, { faults: file }), { message: `fault rules file ${file}: field faults[0].action.status must be <= 599` })
})

t.test('the journal of a file database behaves the same', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'wks-journal-')), 'emulator.sqlite')
  const app = await build(t, { journalSize: 3, db })
  for (let i = 0; i < 5; i++) await app.inject({ url: stagesUrl(i < 4 ? DOC_PROJECT : OTHER, `?transaction_id=n${i}`), headers: TOKEN })
  const { requests } = (await app.inject({ url: '/_emulator/requests' })).json()
  t.same(requests.map((r: { transaction_id: string }) => r.transaction_id), ['n2', 'n3', 'n4'])
  t.ok(requests[0].seq < requests[2].seq)
  t.same((await app.inject({ url: `/_emulator/requests/count?project_id=${DOC_PROJECT}` })).json(), { count: 2 })
  t.same((await app.inject({ method: 'DELETE', url: `/_emulator/requests?project_id=${OTHER}` })).json(), { count: 1 })
  t.same((await app.inject({ url: '/_emulator/requests?limit=1' })).json().requests.map((r: { transaction_id: string }) => r.transaction_id), ['n3'])
})
