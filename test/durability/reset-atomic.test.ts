import t from 'tap'
import { resolveConfig } from '../../src/config/config.js'
import { createEmulatorState } from '../../src/api/state.js'
import { openDb } from '../../src/store/db.js'

// Regression: reset used to commit transactions, fault rules and journal in three transactions, so a
// failure (or a kill -9) between them left a namespace half reset.
t.test('a reset that fails part-way changes nothing in the namespace', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => db.close())
  const fixture = { project_id: 'ns', transaction_id: 'fx-0' }
  const state = createEmulatorState(db, resolveConfig({ fixtures: false }), [fixture], [])
  state.transactions.putMany([{ project_id: 'ns', transaction_id: 'added' }])
  state.faults.add({ id: 'ns-rule', match: { project_id: 'ns' }, action: { status: 500 } })
  const restore = state.faults.restore
  state.faults.restore = () => { throw new Error('disk full') }
  t.throws(() => state.reset('ns'), /disk full/)
  state.faults.restore = restore
  t.same(state.transactions.list({ projectId: 'ns', limit: 10, offset: 0 }).transactions.map((r) => r.transaction_id), ['added', 'fx-0'], 'records as before')
  t.same(state.faults.list().map((f) => f.id), ['ns-rule'], 'rules as before')
  t.same(state.reset('ns'), { transactions: 1, faults: 0 }, 'and a reset that completes still works')
})
