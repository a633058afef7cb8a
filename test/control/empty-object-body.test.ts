import t from 'tap'
import { assertError, build, DOC_PROJECT, DOC_TRANSACTION, stagesUrl, TOKEN } from '../helper.js'

// Issue 21 item 15: `requests.post(url, json={})`, axios and many test helpers send `{}` with
// Content-Type application/json on every POST. An empty object carries no parameter: on a route
// that takes no body it is no body; a body with any key stays the 400 it was.

const NO_BODY = 'Invalid request body: this route takes no body; its parameters go in the query string.'
const JSON_TYPE = { 'content-type': 'application/json' }

t.test('POST /_emulator/reset?project_id=A with {} answers as without a body', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { project_id: 'A', transaction_id: 'added' } })
  const without = await app.inject({ method: 'POST', url: '/_emulator/reset?project_id=B' })
  t.equal(without.statusCode, 200)
  const res = await app.inject({ method: 'POST', url: '/_emulator/reset?project_id=A', payload: '{}', headers: JSON_TYPE })
  t.equal(res.statusCode, 200)
  t.same(res.json(), without.json(), 'the same body as a reset without one')
  t.equal((await app.inject('/_emulator/transactions/A/added')).statusCode, 404, 'and the reset was done')
})

t.test('{} (with spaces, a charset, a BOM) answers as no body on every route that takes none', async (t) => {
  // Two emulators in the same state: one is sent each call without a body, the other with `{}`.
  const seed = async () => {
    const app = await build(t)
    await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { id: 'r1', match: { project_id: 'p' }, action: { status: 503 } } })
    await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { project_id: 'p', transaction_id: 'x' } })
    return app
  }
  const [plain, empty] = [await seed(), await seed()]
  const calls: Array<[string, string]> = [
    ['DELETE', '/_emulator/faults/r1'],
    ['DELETE', '/_emulator/faults'],
    ['DELETE', '/_emulator/transactions/p/x'],
    ['DELETE', '/_emulator/transactions?project_id=p'],
    ['DELETE', '/_emulator/requests?project_id=p'],
    ['DELETE', '/_emulator/rate-limits'],
    ['DELETE', '/_emulator/clock'],
    ['POST', '/_emulator/reset']
  ]
  const bodies = ['{}', ' { } \n', '\ufeff{}']
  // The clock's answer names the time it was read at.
  const comparable = (text: string) => text === '' ? '' : JSON.stringify({ ...JSON.parse(text), now: undefined })
  for (const [i, [method, url]] of calls.entries()) {
    const payload = bodies[i % bodies.length]
    const expected = await plain.inject({ method: method as 'POST', url })
    const res = await empty.inject({ method: method as 'POST', url, payload, headers: { 'content-type': 'application/json; charset=utf-8' } })
    t.ok(expected.statusCode < 300, `${method} ${url} without a body: ${expected.statusCode}`)
    t.same([res.statusCode, comparable(res.body)], [expected.statusCode, comparable(expected.body)], `${method} ${url} with ${JSON.stringify(payload)}`)
  }
})

t.test('a body with any key, or another value, stays a 400 and changes nothing', async (t) => {
  const app = await build(t)
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { project_id: 'A', transaction_id: 'kept' } })
  await app.inject({ url: stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), headers: TOKEN })
  for (const payload of ['{"project_id":"A"}', '{"":1}', '[]', 'null', '{}{}', '{', '{} x']) {
    assertError(t, await app.inject({ method: 'POST', url: '/_emulator/reset', payload, headers: JSON_TYPE }), 400, 'WKS.0001', NO_BODY)
  }
  assertError(t, await app.inject({ method: 'POST', url: '/_emulator/reset', payload: '{}', headers: { 'content-type': 'text/plain' } }), 400, 'WKS.0001', NO_BODY)
  t.equal((await app.inject('/_emulator/transactions/A/kept')).statusCode, 200, 'the record is still there')
  t.same((await app.inject('/_emulator/requests/count')).json(), { count: 1 }, 'and the journal')
})

t.test('a route that takes a body still refuses {} by its schema', async (t) => {
  const app = await build(t)
  assertError(t, await app.inject({ method: 'POST', url: '/_emulator/faults', payload: '{}', headers: JSON_TYPE }), 400, 'WKS.0001', /^Invalid request body: /)
})
