import t, { type Test } from 'tap'
import { createServer, get, type IncomingMessage } from 'node:http'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openDb } from '../../src/store/db.js'
import { assertError, build, listening, stagesUrl, TOKEN } from '../helper.js'
import { lookup, startFront, tempDir } from '../upstream/two-emulators.js'

// Issue 21, items 4-7: every stored record reads back, exports and re-imports unchanged under its
// own key, whatever its strings hold or an upstream sent, and an export is one point in time.

const JSON_HEADERS = { 'content-type': 'application/json' }
const LONE = 'must be well-formed Unicode (it holds a lone surrogate)'

t.test('item 4: a lone surrogate anywhere stored is a 400 naming the field, and nothing is stored', async (t) => {
  const app = await build(t, { fixtures: false })
  // The input: two ids that both became a\ufffd\ufffd\ufffd, neither fetchable.
  let res = await app.inject({ method: 'POST', url: '/_emulator/transactions', headers: JSON_HEADERS, payload: '{"transactions":[{"project_id":"p","transaction_id":"a\\ud800"},{"project_id":"p","transaction_id":"a\\udc00"}]}' })
  assertError(t, res, 400, 'WKS.0001', `Invalid request body: field transactions[0].transaction_id ${LONE}.`)
  res = await app.inject({ method: 'POST', url: '/_emulator/transactions', headers: JSON_HEADERS, payload: '{"project_id":"p","transaction_id":"ok","stages":[{"error_msg":"x\\udfff"}]}' })
  assertError(t, res, 400, 'WKS.0001', `Invalid request body: field stages[0].error_msg ${LONE}.`)
  res = await app.inject({ method: 'POST', url: '/_emulator/faults', headers: JSON_HEADERS, payload: '{"match":{"transaction_id":"\\ud83d"},"action":{"status":500}}' })
  assertError(t, res, 400, 'WKS.0001', `Invalid request body: field match.transaction_id ${LONE}.`)
  res = await app.inject({ method: 'PUT', url: '/_emulator/state', headers: JSON_HEADERS, payload: '{"version":1,"faults":[],"transactions":[{"project_id":"p","transaction_id":"t","username":"\\udc00u"}]}' })
  assertError(t, res, 400, 'WKS.0001', `Invalid request body: field transactions[0].username ${LONE}.`)
  t.same((await app.inject({ url: '/_emulator/transactions' })).json(), { transactions: [], total: 0 }, 'nothing stored')
  t.same((await app.inject({ url: '/_emulator/faults' })).json(), { faults: [] })

  // Well-formed text beyond the BMP (a surrogate pair) is stored, found and read back unchanged.
  const record = { project_id: 'p', transaction_id: 'a\u{1F600}\u00e9\ufffd', username: '\u{10FFFF}x' }
  t.equal((await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: record })).statusCode, 201)
  res = await app.inject({ url: `/_emulator/transactions/p/${encodeURIComponent(record.transaction_id)}` })
  t.same(res.json(), record)
  res = await app.inject({ url: stagesUrl('p', `?transaction_id=${encodeURIComponent(record.transaction_id)}`), headers: TOKEN })
  t.equal(res.body, JSON.stringify({ username: record.username }))
  t.equal((await app.inject({ method: 'DELETE', url: `/_emulator/transactions/p/${encodeURIComponent(record.transaction_id)}` })).statusCode, 204, 'and deleted')
})

t.test('item 4: a start-up file with a lone surrogate stops start-up naming the file, record and field', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'fixtures.json')
  writeFileSync(file, '{"transactions":[{"project_id":"p","transaction_id":"t","username":"\\ud800"}]}')
  await t.rejects(build(t, { fixtures: file }), { message: new RegExp(`fixtures\\.json.*field username ${LONE.replace(/[()]/g, '\\$&')}`) })
})

/** A stand-in upstream answering every lookup 200 with `body`. */
async function upstreamSaying (t: Test, body: string): Promise<string> {
  const cloud = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body) })
  await new Promise<void>((resolve) => cloud.listen(0, '127.0.0.1', resolve))
  t.teardown(() => cloud.close())
  return `http://127.0.0.1:${(cloud.address() as { port: number }).port}`
}

for (const body of ['{"stages":"x"}', '{"stages":[{"start_time":"soon"}]}', '{"username":{"a":1}}', '{"username":"\\ud800"}']) {
  t.test(`item 5: a recorded body the schema refuses (${body}) is served, listed as drift, never stored`, async (t) => {
    const front = await startFront(t, await upstreamSaying(t, body), { record: true })
    const res = await lookup(front.url, 'P', 'T')
    t.equal(res.status, 200)
    t.equal(await res.text(), body, 'the client gets what the upstream sent')
    let control = await fetch(`${front.url}/_emulator/transactions?project_id=P`)
    t.equal(control.status, 200)
    t.same(await control.json(), { transactions: [], total: 0 })
    control = await fetch(`${front.url}/_emulator/transactions/P/T`)
    t.equal(control.status, 404)
    t.equal((await fetch(`${front.url}/_emulator/state`)).status, 200)
    const drift = await (await fetch(`${front.url}/_emulator/drift`)).json() as { kinds: unknown[] }
    t.ok(drift.kinds.length > 0, 'listed as drift')
  })
}

t.test('item 6: a body naming another key is not recorded; the record stays under its own key', async (t) => {
  const front = await startFront(t, await upstreamSaying(t, '{"project_id":"victim","transaction_id":"tx-important","username":"x"}'), { record: true })
  t.equal((await lookup(front.url, 'recorder', 'tx-rec')).status, 200)
  t.same(await (await fetch(`${front.url}/_emulator/transactions`)).json(), { transactions: [], total: 0 })
  const drift = await (await fetch(`${front.url}/_emulator/drift`)).json() as { kinds: Array<{ path: string, kind: string }> }
  t.match(drift.kinds, [{ path: 'project_id', kind: 'unknown_field' }, { path: 'transaction_id', kind: 'unknown_field' }])
})

t.test('items 5 and 6: rows an older build recorded with drift or key fields read, export and re-import under their own key, never a 500', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'old.sqlite')
  const db = openDb(file)
  // What an older build's --record stored, byte for byte as the upstream sent it.
  const insert = db.prepare('INSERT INTO changes (project_id, transaction_id, body) VALUES (?, ?, ?)')
  insert.run('recorder', 'tx-rec', '{"project_id":"victim","transaction_id":"tx-important","username":"x"}')
  insert.run('recorder', 'tx-bad', '{"stages":"x","username":"kept","biz_type":"APP"}')
  insert.run('recorder', 'tx-soon', '{"stages":[{"start_time":"soon"}]}')
  db.close()
  const { app } = await listening(t, { db: file, fixtures: false })
  const expected = [
    { project_id: 'recorder', transaction_id: 'tx-bad', username: 'kept', biz_type: 'APP' },
    { project_id: 'recorder', transaction_id: 'tx-rec', username: 'x' },
    { project_id: 'recorder', transaction_id: 'tx-soon' }
  ]
  let res = await app.inject({ url: '/_emulator/transactions?project_id=recorder' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { transactions: expected, total: 3 })
  for (const filter of ['success=true', 'success=false', 'search=kept', 'biz_type=APP']) {
    res = await app.inject({ url: `/_emulator/transactions?project_id=recorder&${filter}` })
    t.equal(res.statusCode, 200, `the dashboard's filter ${filter} reads them too`)
  }
  res = await app.inject({ url: '/_emulator/transactions/recorder/tx-bad' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), expected[0])
  const exported = (await app.inject({ url: '/_emulator/state?project_id=recorder' })).body
  t.same(JSON.parse(exported).transactions, expected, 'the export names the row\'s key only')
  res = await app.inject({ method: 'PUT', url: '/_emulator/state?project_id=recorder', headers: JSON_HEADERS, payload: exported })
  t.equal(res.statusCode, 200, res.body)
  t.same((await app.inject({ url: '/_emulator/transactions' })).json(), { transactions: expected, total: 3 }, 'put back where it was; nothing under victim')
  t.equal((await app.inject({ url: '/_emulator/state?project_id=recorder' })).body, exported, 'and exports the same bytes again')
})

t.test('item 7: an export read slowly while records are upserted and deleted is the state it started from', async (t) => {
  const { app, port } = await listening(t, { fixtures: false })
  // About 8 MB of records: far more than the socket buffers hold, so the export is mid-way when the writes land.
  const records = Array.from({ length: 8000 }, (_, i) => ({
    project_id: 'p',
    transaction_id: `tx-${String(i).padStart(5, '0')}`,
    username: 'u'.repeat(200),
    stages: [{ stage: 'LOGIN' as const, duration: i, is_success: true, error_msg: 'm'.repeat(600) }]
  }))
  for (let i = 0; i < records.length; i += 4000) {
    t.equal((await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { transactions: records.slice(i, i + 4000) } })).statusCode, 201)
  }
  const before = (await app.inject({ url: '/_emulator/state' })).body

  const res = await new Promise<IncomingMessage>((resolve, reject) => get({ host: '127.0.0.1', port, path: '/_emulator/state' }, resolve).on('error', reject))
  t.equal(res.statusCode, 200)
  res.pause()
  const chunks: Buffer[] = []
  const readSome = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const chunk = res.read(1024) as Buffer | null
      if (chunk !== null) chunks.push(chunk)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
  await new Promise((resolve) => res.once('readable', resolve))
  await readSome(10)
  // Another client changes records at the end of the key order while the export is being read.
  const writes = await Promise.all([
    fetch(`http://127.0.0.1:${port}/_emulator/transactions/p/tx-07990`, { method: 'DELETE' }),
    fetch(`http://127.0.0.1:${port}/_emulator/transactions`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ project_id: 'p', transaction_id: 'tx-07999z' }) }),
    fetch(`http://127.0.0.1:${port}/_emulator/transactions`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ ...records[7995], username: 'changed' }) })
  ])
  t.same(writes.map((w) => w.status), [204, 201, 201], 'the writes are not held up by the reader')
  await readSome(20)
  res.resume()
  for await (const chunk of res) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks).toString('utf8')
  t.equal(body.length, before.length)
  t.ok(body === before, 'exactly the before-state: neither the deleted nor the added record, nor the change, is torn in')
  const after = JSON.parse((await app.inject({ url: '/_emulator/state' })).body) as { transactions: Array<{ transaction_id: string }> }
  t.equal(after.transactions.length, 8000, 'a later export sees the writes (one deleted, one added)')
  t.ok(after.transactions.some((r) => r.transaction_id === 'tx-07999z'))
})
