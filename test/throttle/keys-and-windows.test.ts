import t from 'tap'
import { hash } from 'node:crypto'
import { createMemoryCounters, createSqliteCounters, type CounterStore } from '../../src/api/throttle/counter.js'
import { openDb } from '../../src/store/db.js'
import { DOC_BODY, build } from '../helper.js'
import { DOC, HOST_NOW, sdkDate } from './gateway.js'

const THROTTLED_USER_3 = 'The throttling threshold has been reached: policy user over ratelimit,limit:3,time:1 minute'
const TOKEN = 'a-token-of-a-real-user'
const TOKEN_KEY = 'token:' + hash('sha256', TOKEN, 'hex').slice(0, 16)

/** A relaxed emulator whose host clock stands still: only the control plane's clock offset moves time. */
async function relaxed (t: Parameters<typeof build>[0]) {
  const app = await build(t, { auth: 'relaxed', rateLimit: 'user=3/min' }, { hostClock: () => HOST_NOW })
  const asToken = async () => await app.inject({ url: DOC, headers: { 'x-auth-token': TOKEN } })
  // Relaxed mode accepts any well-formed signature: the AK is whatever the header names.
  const asAk = async (ak: string) => await app.inject({
    url: DOC,
    headers: { 'x-sdk-date': sdkDate(HOST_NOW), authorization: `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=host;x-sdk-date, Signature=${'0'.repeat(64)}` }
  })
  const clock = async (offsetMs: number) => t.equal((await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { offset_ms: offsetMs } })).statusCode, 200)
  return { app, asToken, asAk, clock }
}

const refused = (t: Parameters<typeof build>[0], res: Awaited<ReturnType<Awaited<ReturnType<typeof relaxed>>['asToken']>>) => {
  t.equal(res.statusCode, 429)
  t.equal(res.payload, JSON.stringify({ error_code: 'APIGW.0308', error_msg: THROTTLED_USER_3, request_id: res.headers['x-request-id'] }))
}

t.test('an AK named like a token\'s key never shares that token\'s user count', async (t) => {
  const { app, asToken, asAk } = await relaxed(t)
  for (let i = 0; i < 3; i++) {
    const res = await asAk(TOKEN_KEY)
    t.equal(res.statusCode, 200)
    t.equal(res.payload, DOC_BODY)
  }
  refused(t, await asAk(TOKEN_KEY))
  for (let i = 0; i < 3; i++) t.equal((await asToken()).statusCode, 200, 'the token user\'s budget is untouched')
  refused(t, await asToken())
  const view = (await app.inject({ url: '/_emulator/rate-limits' })).json()
  t.same(view.policies.user.callers, [{ caller: `ak:${TOKEN_KEY}`, remaining: 0 }, { caller: TOKEN_KEY, remaining: 0 }], 'two callers, each named by its scheme')
})

t.test('moving the clock back a minute and on again does not restart an exhausted window', async (t) => {
  const { asToken, clock } = await relaxed(t)
  for (let i = 0; i < 3; i++) t.equal((await asToken()).statusCode, 200)
  refused(t, await asToken())
  await clock(-60_000)
  for (let i = 0; i < 3; i++) t.equal((await asToken()).statusCode, 200, 'the minute before is a window of its own')
  refused(t, await asToken())
  await clock(0)
  refused(t, await asToken())
  await clock(60_000)
  t.equal((await asToken()).statusCode, 200, 'the next minute serves again')
})

for (const [name, make] of [['memory', createMemoryCounters], ['sqlite', () => createSqliteCounters(openDb(':memory:'))]] as Array<[string, () => CounterStore]>) {
  t.test(`${name} counters: each window keeps its count across moves of the clock`, async (t) => {
    const c = make()
    const key = [{ key: '*|user|token:x', windowMs: 60_000 }]
    const T = HOST_NOW
    t.same([1, 2, 3].map(() => c.charge(key, T)[0]), [1, 2, 3])
    t.same(c.charge(key, T - 60_000), [1], 'back a minute: that window\'s own count')
    t.same(c.charge(key, T - 60_000 + 5), [2])
    t.same(c.peek('*|user|', 60_000, T - 60_000), [{ key: 'token:x', count: 2 }].map((e) => ({ ...e, key: '*|user|' + e.key })))
    t.same(c.charge(key, T + 10), [4], 'on again: the later window\'s count goes on')
    t.same(c.peek('*|user|', 60_000, T), [{ key: '*|user|token:x', count: 4 }])
    t.same(c.charge(key, T - 60_000 + 9), [3], 'and back: the earlier one\'s too')
    t.same(c.charge(key, T + 60_000), [1], 'a new later window starts from 1')
    c.clear('*|user|')
    t.same(c.charge(key, T - 60_000), [1], 'cleared: earlier counts too')
  })
}
