import t from 'tap'
import { buildApp } from '../src/app.js'
import { parseConfig, resolveConfig } from '../src/config/config.js'

// test/architecture.test.ts holds the three grammars to one caller, config/grammars.ts; these
// show that the config carries their values and that buildApp runs on those, parsing nothing.

t.test('the config carries the parsed values, present exactly when their text is', async (t) => {
  const config = parseConfig(['--rate-limit', 'user=1/s', '--latency', 'fixed:ms=0', '--cors', 'http://localhost:5173'])
  t.same(config.rateLimitPolicies, { user: { limit: 1, window: '1 second' } })
  t.same(config.latencyDistribution, { distribution: 'fixed', ms: 0 })
  t.same([...config.corsPolicy!.origins], ['http://localhost:5173'])
  t.same(parseConfig([], { WKS_EMULATOR_RATE_LIMIT: 'ip=2/min' }).rateLimitPolicies, { ip: { limit: 2, window: '1 minute' } }, 'from a variable too')
  const none = parseConfig([])
  t.notOk('rateLimitPolicies' in none || 'latencyDistribution' in none || 'corsPolicy' in none)
})

t.test('buildApp runs on the parsed values, not on the text', async (t) => {
  const resolved = resolveConfig({ logLevel: 'silent', fixtures: false, rateLimit: 'user=1/s', latency: 'fixed:ms=0', cors: 'http://localhost:5173' })
  // Text no grammar accepts: were it parsed again, buildApp would throw.
  const app = await buildApp({ ...resolved, rateLimit: 'not parsed', latency: 'not parsed', cors: 'not parsed' })
  t.teardown(() => app.close())
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/v2/p/statistics/metrics/access-stages?transaction_id=t',
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' }
  })
  t.equal(preflight.headers['access-control-allow-origin'], 'http://localhost:5173', 'the CORS policy')
  const limits = await app.inject({ method: 'GET', url: '/_emulator/rate-limits' })
  t.match(limits.json(), { source: 'global', policies: { user: { limit: 1, window: '1 second' } } }, 'the throttling policies')
})
