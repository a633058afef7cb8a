import t from 'tap'
import { matchesRule, preferFault, selectFault, type RuleState } from '../../src/api/faults/select.js'
import { rngFromSeed } from '../../src/runtime/random.js'
import type { FaultRule } from '../../src/schemas/faults.js'

const req = { projectId: 'p1', transactionId: 't1', headers: { 'x-test': 'yes' } }
const state = (rule: FaultRule, matched = 0, fired = 0): RuleState => ({ id: rule.id ?? 'r', rule, matched, fired })

t.test('match blocks', async (t) => {
  t.ok(matchesRule({ action: {} }, req), 'no match block matches all')
  t.ok(matchesRule({ match: { project_id: 'p1', transaction_id: 't1' }, action: {} }, req))
  t.notOk(matchesRule({ match: { project_id: 'p2' }, action: {} }, req))
  t.notOk(matchesRule({ match: { transaction_id: 't2' }, action: {} }, req))
  t.ok(matchesRule({ match: { header: { name: 'X-Test', value: 'yes' } }, action: {} }, req), 'header names are case-insensitive')
  t.notOk(matchesRule({ match: { header: { name: 'x-test', value: 'YES' } }, action: {} }, req), 'values are exact')
})

t.test('first matching rule that fires decides; after and times count matches', async (t) => {
  const rng = rngFromSeed(1)
  const rule: FaultRule = { id: 'a', action: { status: 503 }, after: 2, times: 1 }
  t.same(selectFault(req, [state(rule)], rng), { counters: [{ id: 'a', matched: 1, fired: 0 }] })
  t.same(selectFault(req, [state(rule, 1)], rng), { counters: [{ id: 'a', matched: 2, fired: 0 }] })
  const third = selectFault(req, [state(rule, 2)], rng)
  t.same(third.decision, { ruleId: 'a', kind: 'error', waitMs: 0, action: { status: 503 } })
  t.same(third.counters, [{ id: 'a', matched: 3, fired: 1 }])
  t.same(selectFault(req, [state(rule, 3, 1)], rng), { counters: [] }, 'spent rules no longer match')
  const passThrough = selectFault(req, [state(rule, 0), state({ id: 'b', action: { kind: 'reset' } })], rng)
  t.equal(passThrough.decision?.ruleId, 'b', 'a rule that lets a match pass hands over to the next')
  t.same(passThrough.counters.map((c) => c.id), ['a', 'b'])
})

t.test('kinds default sensibly and waits are capped', async (t) => {
  const rng = rngFromSeed(1)
  t.equal(selectFault(req, [state({ action: { delay_ms: 50 } })], rng).decision?.kind, 'delay')
  t.equal(selectFault(req, [state({ action: {} })], rng).decision?.kind, 'error')
  t.equal(selectFault(req, [state({ action: { status: 500, delay_ms: 50 } })], rng).decision?.kind, 'error')
  const jittered = selectFault(req, [state({ action: { kind: 'delay', delay_ms: 100, jitter_ms: 50 } })], rng).decision!
  t.ok(jittered.waitMs >= 100 && jittered.waitMs < 150)
})

t.test('the same seed gives the same 1000 decisions; another seed does not', async (t) => {
  const run = (seed: number) => {
    const rng = rngFromSeed(seed)
    let s = state({ id: 'p', action: { status: 500 }, probability: 0.3 })
    const out: boolean[] = []
    for (let i = 0; i < 1000; i++) {
      const { decision, counters } = selectFault(req, [s], rng)
      s = { ...s, ...counters[0] }
      out.push(decision !== undefined)
    }
    return out
  }
  t.same(run(42), run(42))
  t.not(run(42).join(), run(43).join())
})

t.test('Prefer header', async (t) => {
  t.same(preferFault('code=503'), { ruleId: 'prefer', kind: 'error', waitMs: 0, action: { kind: 'error', status: 503, delay_ms: 0 } })
  t.same(preferFault('delay=250'), { ruleId: 'prefer', kind: 'delay', waitMs: 250, action: { kind: 'delay', delay_ms: 250 } })
  t.same(preferFault('code=429, delay=10'), { ruleId: 'prefer', kind: 'error', waitMs: 10, action: { kind: 'error', status: 429, delay_ms: 10 } })
  t.equal(preferFault('code=200'), undefined, 'a non-error status forces nothing')
  t.equal(preferFault('return=minimal'), undefined)
  t.equal(preferFault(undefined), undefined)
  t.equal(preferFault('delay=999999999')?.waitMs, 300000, 'capped at 5 minutes')
})
