import t from 'tap'
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format'
import { ACCESS_STAGES_URL } from '../../src/runtime/wire/http.js'
import { assertError, DOC_PROJECT, DOC_TRANSACTION, listening, stagesUrl } from '../helper.js'

const ADMIN = { authorization: 'Bearer metrics-admin' }
const lookup = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)

/** One series' value, by the labels it must have. */
function valueOf (families: PromFamily[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name)
  if (!family) throw new Error(`no metric ${name}`)
  const sample = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
  return Number(sample?.value ?? sample?.count ?? 0)
}

t.test('GET /_emulator/metrics: Prometheus text that a Prometheus parser reads, with each family counted right', async (t) => {
  const { app, url } = await listening(t, { auth: 'relaxed', adminToken: 'metrics-admin' })
  const api = (headers: Record<string, string> = {}, method = 'GET') => fetch(url + lookup, { method, headers }).then(async (r) => { await r.arrayBuffer(); return r.status }, () => 0)
  const token = { 'x-auth-token': 't' }
  for (let i = 0; i < 3; i++) await api(token)
  await api(token, 'HEAD')
  await api()
  await api({ authorization: 'SDK-HMAC-SHA256 nonsense', 'x-sdk-date': '20260101T000000Z' })
  await api({ ...token, prefer: 'code=503' })
  await api({ ...token, prefer: 'delay=1' })
  await app.inject({ method: 'POST', url: '/_emulator/faults', headers: ADMIN, payload: { action: { kind: 'reset' }, times: 1 } })
  await api(token)
  await fetch(`${url}/no/such/route`)
  await fetch(`${url}/_emulator/health`, { headers: { authorization: 'Bearer guess' } })

  assertError(t, await app.inject({ url: '/_emulator/metrics' }), 401, 'APIGW.0301', /admin token/)
  const res = await fetch(`${url}/_emulator/metrics`, { headers: ADMIN })
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  const text = await res.text()
  const families = parsePrometheusTextFormat(text)
  const types = Object.fromEntries(families.map((f) => [f.name, f.type]))
  t.match(types, {
    wks_emulator_http_requests_total: 'COUNTER',
    wks_emulator_http_request_duration_seconds: 'HISTOGRAM',
    wks_emulator_faults_injected_total: 'COUNTER',
    wks_emulator_auth_failures_total: 'COUNTER',
    wks_emulator_journal_entries: 'GAUGE',
    wks_emulator_transactions: 'GAUGE',
    wks_emulator_fault_rules: 'GAUGE'
  })

  const requests = (method: string, route: string, status: string) => valueOf(families, 'wks_emulator_http_requests_total', { method, route, status })
  t.equal(requests('GET', ACCESS_STAGES_URL, '200'), 4, 'three lookups and the delayed one')
  t.equal(requests('HEAD', ACCESS_STAGES_URL, '200'), 1)
  t.equal(requests('GET', ACCESS_STAGES_URL, '401'), 2)
  t.equal(requests('GET', ACCESS_STAGES_URL, '503'), 1)
  t.equal(requests('GET', ACCESS_STAGES_URL, '0'), 1, 'the reset connection')
  t.equal(requests('GET', 'unmatched', '404'), 1)
  t.equal(requests('GET', '/_emulator/health', '401'), 1)
  t.equal(requests('POST', '/_emulator/faults', '201'), 1)

  // This parser folds a histogram's label sets into one, so the API route's series is parsed on its
  // own, with its method and route labels taken off.
  const routeLabels = `method="GET",route="${ACCESS_STAGES_URL}"`
  const oneSeries = text.split('\n')
    .filter((line) => line.startsWith('# ') ? line.includes('_duration_seconds ') : line.includes(routeLabels) && line.startsWith('wks_emulator_http_request_duration_seconds'))
    .map((line) => line.replace(`${routeLabels},`, '').replace(`{${routeLabels}}`, ''))
    .join('\n')
  const [histogram] = parsePrometheusTextFormat(oneSeries + '\n')
  t.equal(histogram.type, 'HISTOGRAM')
  const apiDurations = histogram.metrics[0]
  t.equal(Number(apiDurations.count), 8, 'every GET of the API route has a duration')
  // Keys like "1" and "300" are integer-like, so the object does not keep the text's order: sort by bound.
  const cumulative = Object.entries(apiDurations.buckets!).sort(([a], [b]) => Number(a) - Number(b)).map(([, n]) => Number(n))
  t.same(cumulative, [...cumulative].sort((a, b) => a - b), 'buckets are cumulative')
  t.equal(Number(apiDurations.buckets!['+Inf']), 8)
  t.ok(Number(apiDurations.sum) > 0)

  t.equal(valueOf(families, 'wks_emulator_faults_injected_total', { kind: 'error' }), 1)
  t.equal(valueOf(families, 'wks_emulator_faults_injected_total', { kind: 'delay' }), 1)
  t.equal(valueOf(families, 'wks_emulator_faults_injected_total', { kind: 'reset' }), 1)
  t.equal(valueOf(families, 'wks_emulator_auth_failures_total', { reason: 'missing_credentials' }), 1)
  t.equal(valueOf(families, 'wks_emulator_auth_failures_total', { reason: 'bad_signature' }), 1)
  t.equal(valueOf(families, 'wks_emulator_auth_failures_total', { reason: 'admin_token' }), 2, 'the guess and the scrape without a token')

  const count = (await app.inject({ url: '/_emulator/requests/count', headers: ADMIN })).json().count
  t.equal(valueOf(families, 'wks_emulator_journal_entries'), count)
  t.equal(valueOf(families, 'wks_emulator_transactions'), (await app.inject({ url: '/_emulator/health', headers: ADMIN })).json().transactions)
  t.equal(valueOf(families, 'wks_emulator_fault_rules'), 1)
})

t.test('each app has its own registry: two emulators in one process count apart', async (t) => {
  const a = await listening(t)
  const b = await listening(t)
  await fetch(`${a.url}/nowhere`)
  const scrape = async (url: string) => parsePrometheusTextFormat(await (await fetch(`${url}/_emulator/metrics`)).text())
  t.equal(valueOf(await scrape(a.url), 'wks_emulator_http_requests_total', { route: 'unmatched' }), 1)
  t.equal(valueOf(await scrape(b.url), 'wks_emulator_http_requests_total', { route: 'unmatched' }), 0)
})
