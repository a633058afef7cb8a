import t, { type Test } from 'tap'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/index.js'
import { DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'

const path = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)
const headers = { 'X-Auth-Token': 't' }

async function start (t: Test, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = await startEmulator(options)
  t.teardown(() => emulator.close())
  return emulator
}

const get = (emulator: RunningEmulator, extra: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(emulator.url + path, { headers: { ...headers, ...extra }, signal })

t.test('error: status with the catalogue body, or the rule\'s own code and message', async (t) => {
  const emulator = await start(t)
  await emulator.addFault({ id: 'e1', match: { transaction_id: DOC_TRANSACTION }, action: { status: 500 }, times: 1 })
  const res = await get(emulator)
  t.equal(res.status, 500)
  t.same(await res.json(), { error_code: 'WKS.00000003', error_msg: 'Failed to obtain database information. Click Cancel Service and Apply Now again.' })
  await emulator.addFault({ action: { status: 429 }, times: 1 })
  const throttled = await get(emulator)
  t.same(await throttled.json(), {
    error_code: 'APIGW.0308',
    error_msg: 'The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second',
    request_id: throttled.headers.get('x-request-id')
  })
  await emulator.addFault({ action: { status: 503, error_code: 'WKS.9999', error_msg: 'custom' }, times: 1 })
  t.same(await (await get(emulator)).json(), { error_code: 'WKS.9999', error_msg: 'custom' })
  t.equal(await (await get(emulator)).text(), DOC_BODY, 'spent rules stop firing')
})

t.test('delay: the answer comes late but intact', async (t) => {
  const emulator = await start(t)
  await emulator.addFault({ match: { transaction_id: DOC_TRANSACTION }, action: { kind: 'delay', delay_ms: 400 }, times: 1 })
  const began = performance.now()
  const res = await get(emulator)
  const waited = performance.now() - began
  t.equal(await res.text(), DOC_BODY)
  t.ok(waited >= 390, `waited ${waited.toFixed(0)} ms`)
  const again = performance.now()
  await (await get(emulator)).text()
  t.ok(performance.now() - again < 300, 'the next request is not delayed')
})

t.test('reset: the client sees a socket error; the journal records status 0', async (t) => {
  const emulator = await start(t)
  const rule = await emulator.addFault({ action: { kind: 'reset' }, times: 1 })
  const err = await get(emulator).then(() => undefined, (e: Error & { cause?: { code?: string } }) => e)
  t.ok(err, 'fetch rejected')
  t.match(err?.cause?.code, /^(UND_ERR_SOCKET|ECONNRESET)$/)
  const [entry] = await emulator.requests()
  t.match(entry, { status: 0, outcome: 'fault:reset', fault_id: rule.id })
})

t.test('malformed: a 200 whose JSON does not parse', async (t) => {
  const emulator = await start(t)
  await emulator.addFault({ action: { kind: 'malformed' }, times: 1 })
  const res = await get(emulator)
  t.equal(res.status, 200)
  const text = await res.text()
  t.ok(DOC_BODY.startsWith(text) && text.length < DOC_BODY.length, 'a prefix of the real body')
  t.throws(() => JSON.parse(text), SyntaxError)
})

t.test('hang: nothing comes until the client gives up', async (t) => {
  const emulator = await start(t)
  await emulator.addFault({ action: { kind: 'hang' }, times: 1 })
  const began = performance.now()
  const err = await get(emulator, {}, AbortSignal.timeout(300)).then(() => undefined, (e: Error) => e)
  t.equal(err?.name, 'TimeoutError')
  t.ok(performance.now() - began >= 290)
  // The server notices the client left and journals it.
  for (let i = 0; i < 50 && (await emulator.requests()).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.match((await emulator.requests())[0], { status: 0, outcome: 'fault:hang' })
  t.equal(await (await get(emulator)).text(), DOC_BODY)
})

t.test('after and times are exact under 50 concurrent requests', async (t) => {
  const emulator = await start(t)
  await emulator.addFault({ id: 'window', action: { status: 500 }, after: 10, times: 15 })
  const statuses = await Promise.all(Array.from({ length: 50 }, async () => (await get(emulator)).status))
  t.equal(statuses.filter((s) => s === 500).length, 15)
  t.equal(statuses.filter((s) => s === 200).length, 35)
  const [rule] = await emulator.admin.faults()
  t.match(rule, { id: 'window', matched: 25, fired: 15, spent: true })
  const journal = await emulator.requests()
  const firedSeqs = journal.filter((e) => e.fault_id === 'window').map((e) => e.seq)
  t.equal(firedSeqs.length, 15)
})

async function decisions (seed: number, n: number): Promise<number[]> {
  const emulator = await startEmulator({ seed })
  try {
    await emulator.addFault({ action: { status: 500 }, probability: 0.5 })
    const out: number[] = []
    for (let i = 0; i < n; i++) {
      const res = await get(emulator)
      await res.arrayBuffer()
      out.push(res.status)
    }
    return out
  } finally {
    await emulator.close()
  }
}

t.test('the same --seed gives the same 1000 decisions in two fresh instances', async (t) => {
  const [a, b, c] = [await decisions(7, 1000), await decisions(7, 1000), await decisions(8, 1000)]
  t.same(a, b)
  t.not(a.join(), c.join(), 'another seed decides otherwise')
})

t.test('probability 0.1 fires 10 % ± 3 % of 2000 requests', async (t) => {
  const emulator = await start(t, { seed: 12345 })
  await emulator.addFault({ action: { status: 500 }, probability: 0.1 })
  let fired = 0
  for (let batch = 0; batch < 40; batch++) {
    const statuses = await Promise.all(Array.from({ length: 50 }, async () => { const r = await get(emulator); await r.arrayBuffer(); return r.status }))
    fired += statuses.filter((s) => s === 500).length
  }
  t.ok(fired >= 140 && fired <= 260, `${fired} of 2000 fired`)
})

t.test('Prefer: code= and delay= force a fault for one request; --no-prefer ignores them', async (t) => {
  const emulator = await start(t)
  const res = await get(emulator, { Prefer: 'code=503' })
  t.equal(res.status, 503)
  t.same(await res.json(), { error_code: 'APIGW.0203', error_msg: 'Backend unavailable.', request_id: res.headers.get('x-request-id') })
  const began = performance.now()
  t.equal(await (await get(emulator, { Prefer: 'delay=300' })).text(), DOC_BODY)
  t.ok(performance.now() - began >= 290)
  t.match((await emulator.requests()).map((e) => e.fault_id), ['prefer', 'prefer'])
  const off = await start(t, { prefer: false })
  t.equal((await get(off, { Prefer: 'code=503' })).status, 200)
})

t.test('faults never touch the control plane', async (t) => {
  const emulator = await start(t)
  await emulator.addFault({ action: { status: 500 } })
  t.equal((await emulator.admin.health()).faults, 1)
  t.equal((await fetch(emulator.url + '/_emulator/health', { headers: { Prefer: 'code=500' } })).status, 200)
})

t.test('rule validation and deletion', async (t) => {
  const emulator = await start(t)
  const bad = await fetch(emulator.url + '/_emulator/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: { kind: 'explode' } }) })
  t.equal(bad.status, 400)
  t.same(await bad.json(), { error_code: 'WKS.0001', error_msg: 'Invalid request body: field action.kind must be one of error, delay, reset, malformed, hang.' })
  // A header name that is not a token can never match a request: refused, not stored as a dead rule.
  const dead = await fetch(emulator.url + '/_emulator/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ match: { header: { name: 'X Chaos', value: 'reset' } }, action: { kind: 'reset' } }) })
  t.equal(dead.status, 400)
  t.same(await dead.json(), { error_code: 'WKS.0001', error_msg: "Invalid request body: field match.header.name must match ^[!#$%&'*+.^_`|~0-9A-Za-z-]+$." })
  t.same(await emulator.admin.faults(), [], 'nothing stored')
  const rule = await emulator.addFault({ action: { status: 500 } })
  t.equal(rule.id, 'fault-1')
  await emulator.admin.deleteFault(rule.id)
  await t.rejects(emulator.admin.deleteFault(rule.id), { name: 'AdminError', message: 'control plane answered 404: WKS.0202 The resource not found: fault rule fault-1.' })
  t.equal((await get(emulator)).status, 200)
})
