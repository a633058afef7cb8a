import t, { type Test } from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { AdminClient } from '../../src/control/admin-client.js'
import { assertError, build, DOC_PROJECT, DOC_TRANSACTION, stagesUrl, TOKEN } from '../helper.js'

// Control-plane inputs are validated like the emulated API's: a misspelt or out-of-range query
// parameter is a 400 naming it and changes nothing; bodies are decoded as their charset says.

const RULE = { id: 'kept', match: { project_id: 'team-b', transaction_id: 'x' }, action: { status: 503 } }

async function seeded (t: Test): Promise<FastifyInstance> {
  const app = await build(t)
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { project_id: 'team-b', transaction_id: 'added' } })
  await app.inject({ method: 'POST', url: '/_emulator/faults', payload: RULE })
  await app.inject({ url: stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), headers: TOKEN })
  return app
}

t.test('an unknown query parameter is a 400 naming it, on every control route, and changes nothing', async (t) => {
  const app = await seeded(t)
  const known = 'Invalid parameter projectId: is not a known parameter.'
  assertError(t, await app.inject({ method: 'POST', url: '/_emulator/reset?projectId=team-b' }), 400, 'WKS.0001', known)
  assertError(t, await app.inject({ method: 'DELETE', url: '/_emulator/requests?projectId=x' }), 400, 'WKS.0001', known)
  assertError(t, await app.inject({ method: 'DELETE', url: '/_emulator/transactions?project_id=team-b&projectId=x' }), 400, 'WKS.0001', known)
  assertError(t, await app.inject({ method: 'DELETE', url: '/_emulator/faults?projectId=x' }), 400, 'WKS.0001', known)
  for (const url of ['/_emulator/transactions', '/_emulator/faults', '/_emulator/requests', '/_emulator/requests/count', '/_emulator/health', '/_emulator/metrics', '/_emulator/transactions/team-b/added']) {
    assertError(t, await app.inject({ url: `${url}?typo=1` }), 400, 'WKS.0001', 'Invalid parameter typo: is not a known parameter.')
  }
  t.equal((await app.inject({ url: '/_emulator/transactions/team-b/added' })).statusCode, 200, 'the record is still there')
  t.same((await app.inject({ url: '/_emulator/faults' })).json().faults.map((f: { id: string }) => f.id), ['kept'], 'the rule too')
  t.same((await app.inject({ url: '/_emulator/requests/count' })).json(), { count: 1 }, 'and the journal')
})

t.test('a body sent to a route that takes none is a 400, and changes nothing', async (t) => {
  const app = await seeded(t)
  const msg = 'Invalid request body: this route takes no body; its parameters go in the query string.'
  assertError(t, await app.inject({ method: 'POST', url: '/_emulator/reset', payload: { project_id: 'team-b' } }), 400, 'WKS.0001', msg)
  assertError(t, await app.inject({ method: 'DELETE', url: '/_emulator/requests', payload: { project_id: 'x' } }), 400, 'WKS.0001', msg)
  assertError(t, await app.inject({ method: 'DELETE', url: '/_emulator/faults', payload: { id: 'other' } }), 400, 'WKS.0001', msg)
  t.equal((await app.inject({ url: '/_emulator/transactions/team-b/added' })).statusCode, 200, 'the record is still there')
  t.same((await app.inject({ url: '/_emulator/faults' })).json().faults.map((f: { id: string }) => f.id), ['kept'], 'the rule too')
  t.same((await app.inject({ url: '/_emulator/requests/count' })).json(), { count: 1 }, 'and the journal')
  t.equal((await app.inject({ method: 'POST', url: '/_emulator/reset?project_id=team-b' })).statusCode, 200, 'without a body the reset is done')
})

t.test('no bytes is no body whatever Content-Type says; a body of any type on a route that takes none is the same 400', async (t) => {
  const app = await seeded(t)
  // What curl -d '' and client libraries that set Content-Type on every call send.
  const bodiless = (await app.inject({ method: 'POST', url: '/_emulator/reset?project_id=none' })).json()
  for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
    const reset = await app.inject({ method: 'POST', url: '/_emulator/reset?project_id=none', payload: '', headers: { 'content-type': type } })
    t.same([reset.statusCode, reset.json()], [200, bodiless], `an empty ${type} body: the reset is done`)
    const deleted = await app.inject({ method: 'DELETE', url: '/_emulator/requests?project_id=none', payload: '', headers: { 'content-type': type } })
    t.same([deleted.statusCode, deleted.json()], [200, { count: 0 }], `an empty ${type} body: the delete is done`)
  }
  const noLength = await app.inject({ method: 'POST', url: '/_emulator/reset?project_id=none', headers: { 'content-type': 'text/plain' } })
  t.equal(noLength.statusCode, 200, 'neither Content-Length nor Transfer-Encoding: no body (RFC 9112 §6.3)')
  assertError(t, await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: '', headers: { 'content-type': 'application/json' } }),
    400, 'WKS.0001', 'Invalid request body: field (body) must be object.')

  const msg = 'Invalid request body: this route takes no body; its parameters go in the query string.'
  assertError(t, await app.inject({ method: 'DELETE', url: '/_emulator/faults', payload: 'id=kept', headers: { 'content-type': 'text/plain' } }), 400, 'WKS.0001', msg)
  assertError(t, await app.inject({ method: 'DELETE', url: '/_emulator/clock', payload: 'not json', headers: { 'content-type': 'application/json' } }), 400, 'WKS.0001', msg)
  assertError(t, await app.inject({ method: 'POST', url: '/_emulator/reset', payload: 'project_id=team-b', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 400, 'WKS.0001', msg)
  t.equal((await app.inject({ url: '/_emulator/transactions/team-b/added' })).statusCode, 200, 'the record is still there')
  t.same((await app.inject({ url: '/_emulator/faults' })).json().faults.map((f: { id: string }) => f.id), ['kept'], 'the rule too')
})

t.test('a body in a content coding is a 415 naming it, and nothing is stored', async (t) => {
  const app = await build(t, { fixtures: false })
  const record = JSON.stringify({ project_id: 'coded', transaction_id: 'a' })
  const post = (encoding: string, payload: Buffer | string) => app.inject({ method: 'POST', url: '/_emulator/transactions', payload, headers: { 'content-type': 'application/json', 'content-encoding': encoding } })
  // Read as text, a gzip body was refused as bad UTF-8, and a plain one labelled gzip was stored.
  assertError(t, await post('gzip', gzipSync(record)), 415, 'WKS.0001', 'Unsupported Content-Encoding gzip: send the body uncompressed.')
  assertError(t, await post('GZip', record), 415, 'WKS.0001', 'Unsupported Content-Encoding gzip: send the body uncompressed.')
  assertError(t, await post('br', record), 415, 'WKS.0001', 'Unsupported Content-Encoding br: send the body uncompressed.')
  t.equal((await app.inject({ url: '/_emulator/transactions/coded/a' })).statusCode, 404, 'nothing stored')
  t.equal((await post('identity', record)).statusCode, 201, 'identity is no coding')
})

t.test('numbers out of range are a 400 naming the parameter, never a 500', async (t) => {
  const app = await seeded(t)
  for (const value of ['1e20', '9223372036854775807', '1000000001', 'Infinity']) {
    assertError(t, await app.inject({ url: `/_emulator/transactions?offset=${value}` }), 400, 'WKS.0001', 'Invalid parameter offset: must be <= 1000000000.')
  }
  for (const value of ['NaN', '1.5', 'ten']) {
    assertError(t, await app.inject({ url: `/_emulator/transactions?offset=${value}` }), 400, 'WKS.0001', 'Invalid parameter offset: must be integer.')
  }
  for (const value of ['-1', '-Infinity']) {
    assertError(t, await app.inject({ url: `/_emulator/transactions?offset=${value}` }), 400, 'WKS.0001', 'Invalid parameter offset: must be >= 0.')
  }
  assertError(t, await app.inject({ url: '/_emulator/transactions?limit=1e20' }), 400, 'WKS.0001', 'Invalid parameter limit: must be <= 1000.')
  assertError(t, await app.inject({ url: '/_emulator/requests?after_seq=1e300' }), 400, 'WKS.0001', 'Invalid parameter after_seq: must be <= 9007199254740991.')
  assertError(t, await app.inject({ url: '/_emulator/requests?limit=1001' }), 400, 'WKS.0001', 'Invalid parameter limit: must be <= 1000.')
  assertError(t, await app.inject({ url: '/_emulator/requests?status=600' }), 400, 'WKS.0001', 'Invalid parameter status: must be <= 599.')
  t.same((await app.inject({ url: '/_emulator/transactions?project_id=team-b&offset=1000000000' })).json(), { transactions: [], total: 1 }, 'the largest offset is a page past the end')
})

t.test('the journal is read a page at a time, through a cursor', async (t) => {
  for (const db of [':memory:', join(mkdtempSync(join(tmpdir(), 'wks-pages-')), 'shared.sqlite')]) {
    // A file shared by workers keeps the journal in SQLite; a single process in memory.
    const app = await build(t, { journalSize: 2500, db, workers: db === ':memory:' ? 1 : 2 })
    for (let i = 0; i < 2600; i++) await app.inject({ url: stagesUrl('pages', `?transaction_id=t-${i}`), headers: TOKEN })
    const newest = (await app.inject({ url: '/_emulator/requests' })).json()
    t.equal(newest.requests.length, 100, `${db}: 100 entries by default`)
    t.same([newest.requests[0].transaction_id, newest.requests[99].transaction_id], ['t-2500', 't-2599'], 'the newest, newest last')
    t.same([newest.next_after_seq, newest.has_more], [newest.requests[99].seq, false])

    await app.listen({ port: 0, host: '127.0.0.1' })
    const admin = new AdminClient(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`)
    const seen: string[] = []
    let pages = 0
    for await (const page of admin.requestPages({ limit: 1000 })) { pages++; seen.push(...page.map((e) => e.transaction_id!)) }
    t.equal(pages, 3, 'the whole ring in pages of 1000')
    t.same(seen, Array.from({ length: 2500 }, (_, i) => `t-${i + 100}`), 'every entry once, oldest first')
    const odd = await admin.requestPage({ transaction_id: 't-2001', after_seq: 0 })
    t.same([odd.requests.map((e) => e.transaction_id), odd.has_more], [['t-2001'], false], 'filters apply within the cursor')
    const cursor = (await admin.requestPage({ limit: 1 })).next_after_seq
    await admin.clearRequests()
    await app.inject({ url: stagesUrl('pages', '?transaction_id=after-clear'), headers: TOKEN })
    t.same((await admin.requests({ after_seq: cursor })).map((e) => e.transaction_id), ['after-clear'], 'seqs keep growing after a clear')
  }
})

t.test('bodies are decoded as their charset says, or refused; what is stored reads back as sent', async (t) => {
  const app = await build(t)
  const post = (contentType: string, body: Buffer) => app.inject({ method: 'POST', url: '/_emulator/transactions', headers: { 'content-type': contentType }, payload: body })
  const latin1 = Buffer.concat([Buffer.from('{"project_id":"cs","transaction_id":"latin1","username":"Zo'), Buffer.from([0xeb]), Buffer.from('"}')])
  t.equal((await post('application/json; charset=iso-8859-1', latin1)).statusCode, 201)
  t.equal((await app.inject({ url: '/_emulator/transactions/cs/latin1' })).json().username, 'Zoë', 'a declared charset is honoured')
  const utf8 = Buffer.from('{"project_id":"cs","transaction_id":"utf8","username":"Zoë 名前 😀"}')
  t.equal((await post('application/json', utf8)).statusCode, 201)
  t.equal((await post('application/json; charset="UTF-8"', utf8)).statusCode, 201)
  t.equal((await app.inject({ url: '/_emulator/transactions/cs/utf8' })).json().username, 'Zoë 名前 😀', 'UTF-8 by default')

  const invalid = Buffer.concat([Buffer.from('{"project_id":"cs","transaction_id":"bad","username":"'), Buffer.from([0xff]), Buffer.from('"}')])
  assertError(t, await post('application/json', invalid), 400, 'WKS.0001', 'Invalid request body: not valid utf-8.')
  assertError(t, await post('application/json; charset=iso-8859-1', latin1.subarray(0, 0)), 400, 'WKS.0001', 'Invalid request body: field (body) must be object.')
  assertError(t, await post('application/json; charset=utf-8', latin1), 400, 'WKS.0001', 'Invalid request body: not valid utf-8.')
  assertError(t, await post('application/json; charset=x-klingon', utf8), 415, 'WKS.0001', 'Unsupported charset x-klingon: send the body as UTF-8.')
  const rule = Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","action":{"status":500}}')])
  assertError(t, await app.inject({ method: 'POST', url: '/_emulator/faults', headers: { 'content-type': 'application/json' }, payload: rule }), 400, 'WKS.0001', 'Invalid request body: not valid utf-8.')
  t.equal((await app.inject({ url: '/_emulator/transactions/cs/bad' })).statusCode, 404, 'nothing of a refused body is stored')
  t.same((await app.inject({ url: '/_emulator/faults' })).json(), { faults: [] })
  assertError(t, await app.inject({ method: 'POST', url: '/_emulator/faults', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1},"action":{"status":500}}' }), 400, 'WKS.0001', 'Invalid request body: not valid JSON.')
})
