import t from 'tap'
import { build, stagesUrl } from '../helper.js'

// Issue 21 item 9: GET /_emulator/rate-limits walked every caller key once per project policy and
// listed every caller (50,000 callers, 300 projects: 2.9 s, 4.7 MB). A read lists at most 100
// callers a policy with callers_total, projects' counts without their callers, and counts=false
// (what the dashboard polls) reads no counter at all.
t.test('GET /_emulator/rate-limits costs what it lists', async (t) => {
  const app = await build(t)
  const put = (query: string, payload: object) => app.inject({ method: 'PUT', url: `/_emulator/rate-limits${query}`, payload })
  t.equal((await put('', { user: { limit: 1000, window: '1 minute' } })).statusCode, 200)
  t.equal((await put('?project_id=own', { user: { limit: 5, window: '1 minute' } })).statusCode, 200)
  for (let i = 0; i < 250; i++) await app.inject({ url: stagesUrl('shared', '?transaction_id=x'), headers: { 'x-auth-token': `token-${i}` } })
  for (let i = 0; i < 3; i++) await app.inject({ url: stagesUrl('own', '?transaction_id=x'), headers: { 'x-auth-token': `token-${i}` } })

  const all = (await app.inject({ url: '/_emulator/rate-limits' })).json()
  const { callers, ...user } = all.policies.user
  t.same(user, { limit: 1000, window: '1 minute', callers_total: 250 }, 'how many callers the global policy counted')
  t.equal(callers.length, 100, 'at most 100 listed')
  t.same(callers.map((c: { caller: string }) => c.caller), callers.map((c: { caller: string }) => c.caller).sort(), 'in caller order')
  t.ok(callers.every((c: { caller: string, remaining: number }) => /^token:[0-9a-f]{16}$/.test(c.caller) && c.remaining === 999))
  t.same(all.projects, { own: { user: { limit: 5, window: '1 minute', callers: [], callers_total: 3 } } }, 'a project: its counts, not its callers')

  const own = (await app.inject({ url: '/_emulator/rate-limits?project_id=own' })).json()
  t.equal(own.policies.user.callers.length, 3, 'one project: its callers')
  t.equal(own.policies.user.callers_total, undefined, 'all listed: no total')
  t.same((await app.inject({ url: '/_emulator/rate-limits?counts=false' })).json(),
    { source: 'global', policies: { user: { limit: 1000, window: '1 minute' } }, projects: { own: { user: { limit: 5, window: '1 minute' } } } }, 'counts=false: the policies alone')
  const bad = await app.inject({ url: '/_emulator/rate-limits?counts=maybe' })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().error_code, 'WKS.0001')
})
