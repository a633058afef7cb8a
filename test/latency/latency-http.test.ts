import t from 'tap'
import { writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { build, DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, stagesUrl, TOKEN } from '../helper.js'
import { ConfigError, type Config } from '../../src/config/config.js'
import { loadFaultRules } from '../../src/api/faults/load.js'
import { drawLatency, latencyRngFor } from '../../src/api/faults/latency.js'
import { parseLatencyFlag } from '../../src/config/latency-flag.js'

const DOC = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)

async function serve (t: Tap.Test, config: Partial<Config>): Promise<string> {
  const app = await build(t, config)
  return await app.listen({ host: '127.0.0.1', port: 0 })
}

async function timed (url: string, headers: Record<string, string> = {}): Promise<{ status: number, ms: number, body: string }> {
  const started = performance.now()
  const res = await fetch(url, { headers: { ...TOKEN, ...headers } })
  const body = await res.text()
  return { status: res.status, ms: performance.now() - started, body }
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }

t.test('--latency fixed: every answer waits; Prefer: delay= wins for its request', async (t) => {
  const base = await serve(t, { latency: 'fixed:ms=1500' })
  const slow = await timed(base + DOC)
  t.equal(slow.body, DOC_BODY)
  t.ok(slow.ms >= 1495, `waited ${slow.ms.toFixed(0)} ms`)
  const preferred = await timed(base + DOC, { Prefer: 'delay=0' })
  t.equal(preferred.status, 200)
  t.ok(preferred.ms < 1000, `Prefer: delay=0 answered in ${preferred.ms.toFixed(0)} ms`)
  const refused = await fetch(base + DOC)
  t.equal(refused.status, 401, 'the gateway refuses before the backend\'s latency')
})

t.test('--latency lognormal: the seed\'s draws, in order, and their spread', async (t) => {
  const latency = 'lognormal:median=100,sigma=0.8,cap=1000'
  const base = await serve(t, { latency, seed: 42 })
  const rng = latencyRngFor(42)
  const expected = Array.from({ length: 20 }, () => drawLatency(parseLatencyFlag(latency), rng))
  const measured: number[] = []
  for (let i = 0; i < expected.length; i++) measured.push((await timed(base + DOC)).ms)
  // A timer never fires early, so each answer takes at least its draw; a busy machine only adds.
  t.ok(measured.every((ms, i) => ms >= expected[i] - 2), 'each answer waits at least the draw the seed gives for it')
  const longest = expected.indexOf(Math.max(...expected))
  const shortest = expected.indexOf(Math.min(...expected))
  t.ok(expected[longest] - expected[shortest] > 150, `the draws spread out (${expected[shortest]}–${expected[longest]} ms)`)
  t.ok(median(expected) > 60 && median(expected) < 160, `median draw ${median(expected)} near 100`)
})

t.test('a fault rule with a latency distribution, and the dribble kind', async (t) => {
  const base = await serve(t, {})
  const add = async (rule: unknown) => await fetch(base + '/_emulator/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) })
  let res = await add({ id: 'slow', match: { transaction_id: DOC_TRANSACTION }, action: { latency: { distribution: 'uniform', min: 200, max: 250 } }, times: 1 })
  t.equal(res.status, 201)
  t.same((await res.json()).action, { latency: { distribution: 'uniform', min: 200, max: 250 } })
  const slow = await timed(base + DOC)
  t.equal(slow.body, DOC_BODY)
  t.ok(slow.ms >= 195, `uniform 200-250: waited ${slow.ms.toFixed(0)} ms`)

  res = await add({ id: 'drip', action: { kind: 'dribble', chunks: 4, over_ms: 1200 }, times: 1 })
  t.equal(res.status, 201)
  const { port } = new URL(base)
  const arrivals = await new Promise<Array<{ at: number, bytes: string }>>((resolve, reject) => {
    const started = performance.now()
    request({ host: '127.0.0.1', port, path: DOC, headers: TOKEN }, (response) => {
      t.equal(response.statusCode, 200)
      t.equal(response.headers['content-length'], String(Buffer.byteLength(DOC_BODY)), 'the length is announced up front')
      const got: Array<{ at: number, bytes: string }> = []
      response.on('data', (chunk: Buffer) => got.push({ at: performance.now() - started, bytes: chunk.toString() }))
      response.on('end', () => resolve(got))
    }).on('error', reject).end()
  })
  t.equal(arrivals.length, 4, 'four pieces')
  t.equal(arrivals.map((a) => a.bytes).join(''), DOC_BODY, 'which make the whole body')
  t.ok(arrivals[3].at - arrivals[0].at >= 1150, `spread over ~1200 ms (${(arrivals[3].at - arrivals[0].at).toFixed(0)})`)
  const journal = await (await fetch(base + '/_emulator/requests?limit=1')).json()
  t.has(journal.requests[0], { status: 200, fault_id: 'drip', outcome: 'fault:dribble' })

  res = await add({ action: { latency: { distribution: 'lognormal', median: 10 } } })
  t.equal(res.status, 400, 'a distribution without its parameters is refused')
})

t.test('a client that gives up during the wait or the dribble is still journalled and counted', async (t) => {
  const base = await serve(t, { latency: 'fixed:ms=400' })
  await fetch(base + '/_emulator/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'drip', match: { header: { name: 'x-drip', value: '1' } }, action: { kind: 'dribble', chunks: 5, over_ms: 2000 } }) })
  // A read timeout of 100 ms: under the 400 ms wait, then in the middle of the dribble that follows it.
  await t.rejects(fetch(base + DOC, { headers: TOKEN, signal: AbortSignal.timeout(100) }))
  const dribbled = await fetch(base + DOC, { headers: { ...TOKEN, 'x-drip': '1' } })
  const reader = dribbled.body!.getReader()
  await reader.read()
  await reader.cancel()
  let entries: Array<{ status: number, outcome: string, fault_id?: string }> = []
  for (let i = 0; i < 50 && entries.length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    entries = (await (await fetch(base + '/_emulator/requests')).json()).requests
  }
  t.same(entries.map(({ status, outcome, fault_id: id }) => ({ status, outcome, id })), [
    { status: 0, outcome: 'ok', id: undefined },
    { status: 200, outcome: 'fault:dribble', id: 'drip' }
  ], 'nothing was answered to the first; the second was sent its status')
  const metrics = await (await fetch(base + '/_emulator/metrics')).text()
  t.match(metrics, /^wks_emulator_http_requests_total\{method="GET",route="\/v2\/:project_id\/statistics\/metrics\/access-stages",status="0"\} 1$/m)
})

t.test('a bad latency in a rule names what is wrong with it, not a field of another distribution', async (t) => {
  const base = await serve(t, {})
  const add = async (latency: unknown) => await fetch(base + '/_emulator/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: { latency } }) })
  for (const [latency, problem] of [
    [{ distribution: 'gauss', ms: 5 }, 'field action.latency.distribution must be one of fixed, uniform, lognormal'],
    [{ ms: 5 }, 'field action.latency.distribution is required'],
    [{ distribution: 'uniform', min: 1 }, 'field action.latency.max is required'],
    [{ distribution: 'lognormal', median: 5, sigma: 9 }, 'field action.latency.sigma must be <= 4'],
    [{ distribution: 'fixed', ms: 5, spread: 1 }, 'field action.latency.spread is not an allowed field'],
    [{ distribution: 'uniform', min: 80, max: 20 }, 'field action.latency.max must be >= min (80)']
  ] as const) {
    const res = await add(latency)
    t.equal(res.status, 400)
    t.same(await res.json(), { error_code: 'WKS.0001', error_msg: `Invalid request body: ${problem}.` }, JSON.stringify(latency))
  }
  t.same((await (await fetch(base + '/_emulator/faults')).json()).faults, [], 'nothing was stored')
  const state = await fetch(base + '/_emulator/state', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: 1, transactions: [], faults: [{ action: { latency: { distribution: 'gauss' } } }] }) })
  t.equal((await state.json()).error_msg, 'Invalid request body: field faults[0].action.latency.distribution must be one of fixed, uniform, lognormal.')
  const reversed = { action: { latency: { distribution: 'uniform', min: 80, max: 20 } } }
  const state2 = await fetch(base + '/_emulator/state', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: 1, transactions: [], faults: [reversed] }) })
  t.same([state2.status, (await state2.json()).error_msg], [400, 'Invalid request body: field faults[0].action.latency.max must be >= min (80).'])
  t.equal((await (await fetch(base + '/_emulator/health')).json()).transactions, 13, 'the refused state changed nothing')
  const file = join(t.testdir({}), 'rules.json')
  writeFileSync(file, JSON.stringify({ faults: [{ action: { latency: { distribution: 'uniform', min: 1 } } }] }))
  t.throws(() => loadFaultRules(file), new ConfigError(`fault rules file ${file}: field faults[0].action.latency.max is required`))
  writeFileSync(file, JSON.stringify([reversed]))
  t.throws(() => loadFaultRules(file), new ConfigError(`fault rules file ${file}: field [0].action.latency.max must be >= min (80)`))
})

declare namespace Tap { type Test = import('tap').Test }
