import t from 'tap'
import { startEmulator } from '../../src/index.js'
import { DOC_PROJECT, DOC_TRANSACTION, stagesUrl, TOKEN } from '../helper.js'

t.test('AdminClient steers throttling and the clock', async (t) => {
  const emulator = await startEmulator({ rateLimit: 'user=1/min' })
  t.teardown(() => emulator.close())
  const { admin } = emulator
  t.same(await admin.rateLimits(), { source: 'global', policies: { user: { limit: 1, window: '1 minute', callers: [] } }, projects: {} })
  const clock = await admin.setClock(60_000 - (Date.now() % 60_000))
  t.match(clock.now, /:00\.\d{3}Z$/, 'the emulator\'s clock stands at the start of a minute')
  const get = async () => (await fetch(emulator.url + stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), { headers: TOKEN })).status
  t.same([await get(), await get()], [200, 429])
  t.same(await admin.setRateLimits({ user: { limit: 5, window: '1 second' } }, DOC_PROJECT), {
    source: 'project', project_id: DOC_PROJECT, policies: { user: { limit: 5, window: '1 second', callers: [] } }
  })
  t.equal(await get(), 200, 'the project\'s own policy applies')
  t.equal((await admin.deleteRateLimits(DOC_PROJECT)).source, 'global')
  t.equal((await admin.resetClock()).offset_ms, 0)
  t.equal((await admin.clock()).offset_ms, 0)
})
