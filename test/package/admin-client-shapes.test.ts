import t from 'tap'
import { Value } from '@sinclair/typebox/value'
import type { TSchema } from '@sinclair/typebox'
import { startEmulator } from '../../src/index.js'
import { TransactionRecordSchema } from '../../src/schemas/access-stages.js'
import { CountSchema, FaultListSchema, HealthSchema, RequestListSchema, ResetResultSchema, TransactionListSchema, type Health, type ResetResult, type TransactionList } from '../../src/schemas/control.js'
import { FaultRuleViewSchema } from '../../src/schemas/faults.js'
import { DOC_PATH, DOC_PROJECT, DOC_TRANSACTION } from '../documented.js'

// AdminClient and startEmulator() return the shapes of the schemas the control-plane routes
// declare (their types are Static<> of them): each answer is checked against its schema here.

t.test('every AdminClient answer has the shape of its route\'s schema', async (t) => {
  const emulator = await startEmulator()
  t.teardown(() => emulator.close())
  const { admin } = emulator
  const conforms = (schema: TSchema, value: unknown, what: string): void => {
    t.ok(Value.Check(schema, value), `${what}: ${JSON.stringify([...Value.Errors(schema, value)].slice(0, 2).map((e) => `${e.path} ${e.message}`))}`)
  }
  const health: Health = await admin.health()
  conforms(HealthSchema, health, 'health')
  const count = await emulator.seed({ project_id: 'shapes', transaction_id: 't1', stages: [] })
  conforms(CountSchema, { count }, 'seed')
  const page: TransactionList = await admin.listTransactions({ project_id: 'shapes' })
  conforms(TransactionListSchema, page, 'listTransactions')
  conforms(TransactionRecordSchema, await admin.getTransaction(DOC_PROJECT, DOC_TRANSACTION), 'getTransaction')
  conforms(FaultRuleViewSchema, await emulator.addFault({ id: 'shape', match: { project_id: 'nowhere' }, action: { status: 503 } }), 'addFault')
  conforms(FaultListSchema, { faults: await admin.faults() }, 'faults')
  await fetch(emulator.url + DOC_PATH, { headers: { 'x-auth-token': 't' } }).then(async (r) => await r.arrayBuffer())
  conforms(RequestListSchema, await admin.requestPage({ project_id: DOC_PROJECT, status: 200, limit: 5 }), 'requestPage')
  t.equal((await emulator.requests({ project_id: DOC_PROJECT })).length, 1, 'requests')
  conforms(CountSchema, { count: await admin.countRequests({ project_id: DOC_PROJECT }) }, 'countRequests')
  const reset: ResetResult = await emulator.reset('shapes')
  conforms(ResetResultSchema, reset, 'reset')
  t.same(reset, { transactions: 0, faults: 1 })
})
