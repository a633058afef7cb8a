import t from 'tap'
import { fixedClock } from '../../src/store/clock.js'
import { createMemoryCounters } from '../../src/api/throttle/counter.js'
import type { PolicySet } from '../../src/api/throttle/policies.js'
import { parseRateLimitFlag } from '../../src/config/rate-limit-flag.js'
import { callerOf } from '../../src/api/auth/caller.js'
import { createThrottle, throttleCall } from '../../src/api/throttle/throttle.js'
import { rateLimitHeaders, wantsDebug } from '../../src/api/throttle/view.js'
import { ConfigError } from '../../src/config/config.js'
import { errors } from '../../src/errors.js'

const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)
const AK = (ak: string) => ({ authorization: `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=host;x-sdk-date, Signature=abcd` })

t.test('the flag', async (t) => {
  t.same(parseRateLimitFlag('api=200/s,user=10/s,ip=600/min'), {
    api: { limit: 200, window: '1 second' }, user: { limit: 10, window: '1 second' }, ip: { limit: 600, window: '1 minute' }
  })
  t.same(parseRateLimitFlag(' user=5/second , ip=1/minute'), { user: { limit: 5, window: '1 second' }, ip: { limit: 1, window: '1 minute' } })
  for (const [bad, why] of [
    ['user=10', /expected POLICY=N\/s or POLICY=N\/min/],
    ['app=10/s', /policy is one of api, user, ip/],
    ['user=10/h', 'invalid --rate-limit "user=10/h": the unit is s (sec, second) or min (m, minute)'],
    ['user=0/s', /limit is from 1/],
    ['user=99999999999/s', 'invalid --rate-limit "user=99999999999/s": the limit is from 1 to 1000000000'],
    ['user=1/s,user=2/s', /given twice/],
    ['user=1/s,', 'invalid --rate-limit "user=1/s,": an empty entry (a comma too many?)'],
    [' , user=1/s', 'invalid --rate-limit " , user=1/s": an empty entry (a comma too many?)'],
    ['', 'invalid --rate-limit "": an empty entry (a comma too many?)']
  ] as const) {
    t.ok(threw(() => parseRateLimitFlag(bad)) instanceof ConfigError, `${bad} is a ConfigError`)
    t.throws(() => parseRateLimitFlag(bad), { message: why }, bad)
  }
})

t.test('the gateway wording and debug header values', async (t) => {
  t.equal(errors.rateLimited('user', 10, '1 second').message, 'The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second')
  t.equal(errors.rateLimited('ip', 600, '1 minute').message, 'The throttling threshold has been reached: policy ip over ratelimit,limit:600,time:1 minute')
  t.ok(wantsDebug('debug'))
  t.ok(wantsDebug(' Debug '))
  t.notOk(wantsDebug(undefined))
  t.notOk(wantsDebug('verbose'))
  t.ok(wantsDebug('debug, debug'), 'the header sent twice, as Node joins it')
  t.ok(wantsDebug(['debug', 'debug']))
  t.notOk(wantsDebug('debugx, on'))
  t.notOk(wantsDebug(''))
})

t.test('users are told apart by AK or token; a call with neither is not counted per user', async (t) => {
  t.equal(callerOf(AK('AK1')), 'ak:AK1', 'an AK key carries its scheme')
  t.match(callerOf({ 'x-auth-token': 'secret-token' }), /^token:[0-9a-f]{16}$/)
  t.not(callerOf({ 'x-auth-token': 'secret-token' }), callerOf({ 'x-auth-token': 'other-token' }))
  t.notMatch(callerOf({ 'x-auth-token': 'secret-token' }), /secret/, 'the token itself is never a key')
  t.equal(callerOf({}), undefined)
})

t.test('10 per second per user: the 11th call in a window is refused, and every call counts', async (t) => {
  const set: PolicySet = { global: { user: { limit: 10, window: '1 second' } }, projects: {} }
  const counters = createMemoryCounters()
  const verdicts = Array.from({ length: 25 }, () => throttleCall({ caller: 'AK1' }, set, counters, T0 + 100))
  t.equal(verdicts.filter((v) => v!.tripped === undefined).length, 10)
  t.same(verdicts[10]!.tripped, { policy: 'user', rule: { limit: 10, window: '1 second' } })
  t.same(verdicts.map((v) => v!.counts[0].remaining), [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, ...Array(15).fill(0)])
  t.notOk(throttleCall({ caller: 'AK2' }, set, counters, T0 + 100)!.tripped, 'another user has a count of its own')
  t.notOk(throttleCall({ caller: 'AK1' }, set, counters, T0 + 1000)!.tripped, 'the next window serves again')
  t.equal(throttleCall({}, set, counters, T0), undefined, 'no user, nothing to count')
})

t.test('policies apply in order api, user, ip; a project\'s own set replaces the global one', async (t) => {
  const set: PolicySet = {
    global: { api: { limit: 1, window: '1 minute' }, ip: { limit: 1, window: '1 second' } },
    projects: { p1: { user: { limit: 2, window: '1 second' } }, free: {} }
  }
  const counters = createMemoryCounters()
  const call = { projectId: 'p0', caller: 'AK1', ip: '10.0.0.1' }
  t.same(throttleCall(call, set, counters, T0)!.counts.map((c) => c.policy), ['api', 'ip'])
  t.same(throttleCall(call, set, counters, T0)!.tripped?.policy, 'api', 'both over: the first in order is named')
  const own = { ...call, projectId: 'p1' }
  t.notOk(throttleCall(own, set, counters, T0)!.tripped)
  t.notOk(throttleCall(own, set, counters, T0)!.tripped)
  t.equal(throttleCall(own, set, counters, T0)!.tripped?.policy, 'user')
  t.equal(throttleCall({ ...call, projectId: 'free' }, set, counters, T0), undefined, 'an empty project set exempts the project')
})

t.test('debug headers', async (t) => {
  const set: PolicySet = { global: { api: { limit: 200, window: '1 second' }, user: { limit: 10, window: '1 second' } }, projects: {} }
  const verdict = throttleCall({ caller: 'AK1' }, set, createMemoryCounters(), T0)
  t.same(rateLimitHeaders(verdict), [
    ['x-apig-ratelimit-api', 'remain:199,limit:200,time:1 second'],
    ['x-apig-ratelimit-api-allenv', 'remain:199,limit:200,time:1 second'],
    ['x-apig-ratelimit-user', 'remain:9,limit:10,time:1 second']
  ])
  t.same(rateLimitHeaders(undefined), [])
})

t.test('createThrottle counts nothing while no policy is set, and follows the clock', async (t) => {
  let set: PolicySet = { global: {}, projects: {} }
  let offset = 0
  const counters = createMemoryCounters()
  const throttle = createThrottle({ policies: () => set, counters, clock: { now: () => T0 + offset, offsetMs: () => offset } })
  t.equal(throttle({ caller: 'AK1' }), undefined)
  t.same(counters.peek('', 1000, T0), [])
  set = { global: { user: { limit: 1, window: '1 minute' } }, projects: {} }
  t.notOk(throttle({ caller: 'AK1' })!.tripped)
  t.ok(throttle({ caller: 'AK1' })!.tripped)
  offset = 60_000
  t.notOk(throttle({ caller: 'AK1' })!.tripped, 'moving the clock a minute on opens the next window')
  t.equal(fixedClock(5, () => 10).now(), 15)
})

function threw (fn: () => unknown): unknown {
  try { fn() } catch (err) { return err }
  return undefined
}
