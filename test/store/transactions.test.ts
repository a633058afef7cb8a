import t from 'tap'
import { openDb, SCHEMA_VERSION } from '../../src/store/db.js'
import { createTransactionStore } from '../../src/store/transactions.js'
import type { TransactionRecord } from '../../src/schemas/access-stages.js'

const rec = (project: string, tx: string, username = 'u'): TransactionRecord => ({
  project_id: project,
  transaction_id: tx,
  username,
  stages: [{ error_msg: 'OK', stage: 'LOGIN', duration: 1 }]
})

t.test('bodies are stored in the documented field order, absent fields omitted', async (t) => {
  const store = createTransactionStore(openDb(':memory:'))
  store.putMany([rec('p', 't')])
  t.equal(store.getBody('p', 't'), '{"username":"u","stages":[{"stage":"LOGIN","duration":1,"error_msg":"OK"}]}')
  t.equal(store.getBody('p', 'missing'), undefined)
})

t.test('upsert, list in a stable order, count, delete', async (t) => {
  const store = createTransactionStore(openDb(':memory:'))
  store.putMany([rec('b', '2'), rec('a', '9'), rec('b', '1')])
  store.putMany([rec('b', '1', 'changed')])
  t.same(store.list({ limit: 10, offset: 0 }).transactions.map((r) => `${r.project_id}/${r.transaction_id}/${r.username}`), ['a/9/u', 'b/1/changed', 'b/2/u'])
  t.same(store.list({ projectId: 'b', limit: 1, offset: 1 }), { transactions: [rec('b', '2')], total: 2 })
  t.equal(store.count(), 3)
  t.equal(store.delete('b', '1'), true)
  t.equal(store.delete('b', '1'), false)
  t.equal(store.deleteProject('a'), 1)
  t.equal(store.count(), 1)
})

t.test('putMany is all-or-nothing', async (t) => {
  const db = openDb(':memory:')
  const store = createTransactionStore(db)
  store.putMany([rec('p', 'kept')])
  const bad = { ...rec('p', 'x'), project_id: null } as unknown as TransactionRecord
  t.throws(() => store.putMany([rec('p', 'new'), bad]))
  t.same(store.list({ limit: 10, offset: 0 }).transactions.map((r) => r.transaction_id), ['kept'])
})

t.test('migrations record user_version', async (t) => {
  const db = openDb(':memory:')
  t.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION)
  t.equal(SCHEMA_VERSION, 4)
})
