import t from 'tap'
import { createServer } from 'node:http'
import { findDrift } from '../../src/api/upstream/drift.js'
import { PROJECT, lookup, startFront } from './two-emulators.js'

const DRIFTED = '{"username":"u1","biz_type":"APP","region":"cn-north-4","stages":[' +
  '{"stage":"LOGIN","duration":"500","is_success":true},{"stage":"RECONNECT","duration":20,"is_success":true}]}'

t.test('an upstream body the schema does not know: three drift kinds with counts, the body still returned but never recorded', async (t) => {
  const cloud = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'c0ffee00c0ffee00c0ffee00c0ffee00' })
    res.end(DRIFTED)
  })
  await new Promise<void>((resolve) => cloud.listen(0, '127.0.0.1', resolve))
  t.teardown(() => cloud.close())
  const front = await startFront(t, `http://127.0.0.1:${(cloud.address() as { port: number }).port}`, { record: true })

  const before = Date.now()
  for (const id of ['tx-1', 'tx-2']) {
    const res = await lookup(front.url, PROJECT, id)
    t.equal(res.status, 200)
    t.equal(await res.text(), DRIFTED, 'the body as the upstream sent it')
  }
  const { kinds } = await (await fetch(`${front.url}/_emulator/drift`)).json() as { kinds: Array<{ path: string, kind: string, example: unknown, first_seen: string, count: number }> }
  t.same(kinds.map(({ first_seen: _, ...k }) => k), [
    { path: 'region', kind: 'unknown_field', example: 'cn-north-4', count: 2 },
    { path: 'stages[].duration', kind: 'type_change', example: '500', count: 2 },
    { path: 'stages[].stage', kind: 'new_enum_value', example: 'RECONNECT', count: 2 }
  ], 'in the order first seen')
  for (const k of kinds) t.ok(Date.parse(k.first_seen) >= before - 1000, 'first_seen is the time of the first body')

  // Issue 21: a body the record schema refuses could not be served back, exported or put back
  // exactly, so it is not stored: the next lookup asks the upstream again.
  t.same(await (await fetch(`${front.url}/_emulator/transactions?project_id=${PROJECT}`)).json(), { transactions: [], total: 0 }, 'nothing recorded')
  const again = await lookup(front.url, PROJECT, 'tx-1')
  t.equal(await again.text(), DRIFTED, 'proxied again, as the upstream sent it')
  t.match(again.headers.get('x-emulator-request-id'), /^[0-9a-f]{32}$/, 'forwarded, not served locally')

  const metrics = await (await fetch(`${front.url}/_emulator/metrics`)).text()
  t.match(metrics, /wks_emulator_upstream_drift_total\{kind="unknown_field"\} 3/)
  t.match(metrics, /wks_emulator_upstream_drift_total\{kind="type_change"\} 3/)
  t.match(metrics, /wks_emulator_upstream_drift_total\{kind="new_enum_value"\} 3/)
  t.match(metrics, /wks_emulator_upstream_requests_total\{result="proxied"\} 3/)
  t.notMatch(metrics, /wks_emulator_upstream_requests_total\{result="recorded"\} [1-9]/)

  t.equal((await fetch(`${front.url}/_emulator/drift`, { method: 'DELETE' })).status, 204)
  t.same(await (await fetch(`${front.url}/_emulator/drift`)).json(), { kinds: [], total: 0, dropped: 0 })
})

t.test('findDrift names each kind once per path', async (t) => {
  t.same(findDrift({ stages: [{ duration: 1 }] }), [])
  t.same(findDrift({ biz_type: 'KIOSK', stages: [{ start_time: -1 }, { start_time: -2 }] }), [
    { path: 'biz_type', kind: 'new_enum_value', example: 'KIOSK' },
    { path: 'stages[].start_time', kind: 'out_of_range', example: -1 }
  ])
  t.same(findDrift([1]), [{ path: '(body)', kind: 'type_change', example: [1] }])
  t.same(findDrift({ stages: { stage: 'LOGIN' } }), [{ path: 'stages', kind: 'type_change', example: { stage: 'LOGIN' } }])
})
