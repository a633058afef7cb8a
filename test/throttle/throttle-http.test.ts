import t from 'tap'
import { DOC_BODY } from '../helper.js'
import { DOC, startGateway } from './gateway.js'

const THROTTLED_USER_10 = 'The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second'

t.test('10 per second per user: 25 signed calls in one window are 10 answers and 15 refusals', async (t) => {
  const gw = await startGateway(t, { rateLimit: 'user=10/s' })
  const answers = []
  for (let i = 0; i < 25; i++) answers.push(await gw.call('AK1'))
  const statuses = answers.map((r) => r.status)
  t.same(statuses, [...Array(10).fill(200), ...Array(15).fill(429)])
  t.equal(await answers[0].text(), DOC_BODY)
  for (const res of answers.slice(10)) {
    const id = res.headers.get('x-request-id')
    t.match(id, /^[0-9a-f]{32}$/)
    t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8')
    t.equal(await res.text(), JSON.stringify({ error_code: 'APIGW.0308', error_msg: THROTTLED_USER_10, request_id: id }))
  }
  t.equal(res0(await gw.call('AK2')), 200, 'another user has a count of its own')

  const journal = await (await gw.control('GET', '/_emulator/requests?status=429')).json()
  t.equal(journal.requests.length, 15, 'every refusal is journalled')
  t.same(new Set(journal.requests.map((e: { outcome: string }) => e.outcome)), new Set(['throttled']))
  t.same(journal.requests[0].auth, { scheme: 'aksk', principal: 'AK1', ok: true })
  const metrics = await (await gw.control('GET', '/_emulator/metrics')).text()
  t.match(metrics, /^wks_emulator_throttled_total\{policy="user"\} 15$/m)

  const clock = await gw.control('POST', '/_emulator/clock', { offset_ms: 1000 })
  t.same(await clock.json(), { offset_ms: 1000, now: '2026-11-29T12:00:01.000Z' })
  t.equal(res0(await gw.call('AK1')), 200, 'the next window serves again')
})

t.test('refused calls count too: a retry storm by one user uses up the API\'s limit', async (t) => {
  const gw = await startGateway(t, { rateLimit: 'api=12/s,user=10/s' })
  for (let i = 0; i < 25; i++) await gw.call('AK1')
  const res = await gw.call('AK2')
  t.equal(res.status, 429)
  t.equal((await res.json()).error_msg, 'The throttling threshold has been reached: policy api over ratelimit,limit:12,time:1 second')
  const state = await (await gw.control('GET', '/_emulator/rate-limits')).json()
  t.same(state, {
    source: 'global',
    policies: {
      api: { limit: 12, window: '1 second', remaining: 0 },
      user: { limit: 10, window: '1 second', callers: [{ caller: 'ak:AK1', remaining: 0 }, { caller: 'ak:AK2', remaining: 9 }] }
    },
    projects: {}
  })
})

t.test('X-Apig-Mode: debug shows the counts on every answer; without it no X-Apig header is sent', async (t) => {
  const gw = await startGateway(t, { rateLimit: 'api=200/s,user=2/s,ip=600/min' })
  const plain = await gw.call('AK1')
  t.equal(plain.status, 200)
  t.same([...plain.headers.keys()].filter((h) => h.startsWith('x-apig')), [])
  const debug = await gw.call('AK1', DOC, { 'X-Apig-Mode': 'debug' })
  t.equal(debug.status, 200)
  t.equal(await debug.text(), DOC_BODY)
  const apig = (res: Response) => Object.fromEntries([...res.headers].filter(([h]) => h.startsWith('x-apig-ratelimit')))
  t.same(apig(debug), {
    'x-apig-ratelimit-api': 'remain:198,limit:200,time:1 second',
    'x-apig-ratelimit-api-allenv': 'remain:198,limit:200,time:1 second',
    'x-apig-ratelimit-user': 'remain:0,limit:2,time:1 second',
    'x-apig-ratelimit-ip': 'remain:598,limit:600,time:1 minute'
  })
  t.match(debug.headers.get('x-apig-latency'), /^\d+$/)
  const refused = await gw.call('AK1', DOC, { 'X-Apig-Mode': 'debug' })
  t.equal(refused.status, 429)
  t.equal(apig(refused)['x-apig-ratelimit-user'], 'remain:0,limit:2,time:1 second')
  t.equal(apig(refused)['x-apig-ratelimit-api'], 'remain:197,limit:200,time:1 second')
  const twice = await gw.call('AK1', DOC, { 'X-Apig-Mode': 'DEBUG, debug' })
  t.equal(apig(twice)['x-apig-ratelimit-api'], 'remain:196,limit:200,time:1 second', 'the header sent twice still asks for debug')
})

t.test('control plane: per-project policies, validation, removal, and reset back to the start state', async (t) => {
  const gw = await startGateway(t, { rateLimit: 'user=1/min' })
  const pid = 'a4a5d4098fb4474fa22cd05f897d6b99'
  let res = await gw.control('PUT', `/_emulator/rate-limits?project_id=${pid}`, { user: { limit: 3, window: '1 second' } })
  t.equal(res.status, 200)
  t.same(await res.json(), { project_id: pid, source: 'project', policies: { user: { limit: 3, window: '1 second', callers: [] } } })
  t.same((await Promise.all([1, 2, 3, 4].map(async () => (await gw.call('AK1')).status))).sort(), [200, 200, 200, 429], 'the project\'s own limit replaces the global one')
  t.equal((await gw.call('AK1', '/v2/otherproject/statistics/metrics/access-stages?transaction_id=x')).status, 400, 'other projects: first call passes the limit (unknown transaction)')
  t.equal((await gw.call('AK1', '/v2/otherproject/statistics/metrics/access-stages?transaction_id=x')).status, 429, 'and the global 1/min applies to them')

  for (const [body, field] of [
    [{ user: { limit: 0, window: '1 second' } }, /user\.limit/],
    [{ user: { limit: 5, window: '2 seconds' } }, /user\.window/],
    [{ app: { limit: 5, window: '1 second' } }, /app/],
    [{ user: { limit: 5 } }, /window/]
  ] as const) {
    res = await gw.control('PUT', '/_emulator/rate-limits', body)
    t.equal(res.status, 400)
    const error = await res.json()
    t.equal(error.error_code, 'WKS.0001')
    t.match(error.error_msg, field)
  }
  res = await gw.control('GET', '/_emulator/rate-limits?project_id=bad!id')
  t.equal(res.status, 400)

  res = await gw.control('DELETE', `/_emulator/rate-limits?project_id=${pid}`)
  t.same(await res.json(), { project_id: pid, source: 'global', policies: { user: { limit: 1, window: '1 minute', callers: [{ caller: 'ak:AK1', remaining: 0 }] } } })
  await gw.control('PUT', '/_emulator/rate-limits', { api: { limit: 1, window: '1 second' } })
  await gw.control('POST', '/_emulator/clock', { offset_ms: 5000 })
  t.equal((await gw.control('POST', '/_emulator/reset')).status, 200)
  t.same(await (await gw.control('GET', '/_emulator/rate-limits')).json(), { source: 'global', policies: { user: { limit: 1, window: '1 minute', callers: [] } }, projects: {} }, 'reset: start-up policies, fresh counts')
  t.same(await (await gw.control('GET', '/_emulator/clock')).json(), { offset_ms: 0, now: '2026-11-29T12:00:00.000Z' }, 'reset: the clock as it started')
  t.equal((await gw.call('AK1')).status, 200)
  res = await gw.control('DELETE', '/_emulator/rate-limits')
  t.same(await res.json(), { source: 'global', policies: {}, projects: {} })
  t.same((await Promise.all([1, 2, 3].map(async () => (await gw.call('AK1')).status))), [200, 200, 200], 'no policy, no limit')
})

t.test('throttling off by default: nothing is counted and no debug header is invented', async (t) => {
  const gw = await startGateway(t)
  const res = await gw.call('AK1', DOC, { 'X-Apig-Mode': 'debug' })
  t.equal(res.status, 200)
  t.same([...res.headers.keys()].filter((h) => h.startsWith('x-apig')), ['x-apig-latency'])
  t.same(await (await gw.control('GET', '/_emulator/rate-limits')).json(), { source: 'global', policies: {}, projects: {} })
})

function res0 (res: Response): number { return res.status }

t.test('a project named like an Object property (constructor, __proto__) follows the global policies until given its own', async (t) => {
  const gw = await startGateway(t, { rateLimit: 'api=1/min' })
  for (const pid of ['constructor', 'toString', '__proto__']) {
    const url = `/v2/${pid}/statistics/metrics/access-stages?transaction_id=x`
    t.same(await (await gw.control('GET', `/_emulator/rate-limits?project_id=${pid}`)).json(),
      { project_id: pid, source: 'global', policies: { api: { limit: 1, window: '1 minute', remaining: 1 } } })
    t.same([(await gw.call('AK1', url)).status, (await gw.call('AK1', url)).status], [400, 429], `${pid} is throttled by the global api=1/min`)
    await gw.control('POST', '/_emulator/reset')
  }
  const own = { user: { limit: 2, window: '1 second' } }
  t.same(await (await gw.control('PUT', '/_emulator/rate-limits?project_id=__proto__', own)).json(),
    { project_id: '__proto__', source: 'project', policies: { user: { ...own.user, callers: [] } } })
  // As text: in an object literal `__proto__` would set the prototype, not a key.
  t.equal(await (await gw.control('GET', '/_emulator/rate-limits')).text(),
    '{"source":"global","policies":{"api":{"limit":1,"window":"1 minute","remaining":1}},"projects":{"__proto__":{"user":{"limit":2,"window":"1 second","callers":[]}}}}')
})

t.test('a browser page of an allowed origin may read the debug headers it asked for', async (t) => {
  const gw = await startGateway(t, { rateLimit: 'api=5/s,user=2/s,ip=9/min', cors: 'http://app.test' })
  const res = await gw.call('AK1', DOC, { Origin: 'http://app.test', 'X-Apig-Mode': 'debug' })
  t.equal(res.status, 200)
  const exposed = res.headers.get('access-control-expose-headers')!.split(',').map((h) => h.trim().toLowerCase())
  const debug = [...res.headers.keys()].filter((h) => h.startsWith('x-apig'))
  t.same(debug.sort(), ['x-apig-latency', 'x-apig-ratelimit-api', 'x-apig-ratelimit-api-allenv', 'x-apig-ratelimit-ip', 'x-apig-ratelimit-user'])
  t.same(debug.filter((h) => !exposed.includes(h)), [], 'every debug header is exposed to the page')
  t.ok(exposed.includes('x-request-id'))
})
