import t from 'tap'
import { startEmulator } from '../../src/index.js'

// Regression (found by the fuzzer): `.` and `..` are valid transaction and fault ids, but a URL
// parser resolves them as dot segments, so the client used to ask for another path entirely.
t.test('AdminClient reaches records and rules whose ids are dot segments', async (t) => {
  const emulator = await startEmulator({ fixtures: false })
  t.teardown(() => emulator.close())
  const ids = ['.', '..', 'a.b', '...']
  await emulator.seed(ids.map((id) => ({ project_id: 'dots', transaction_id: id, username: `u${id}` })))
  for (const id of ids) t.same(await emulator.admin.getTransaction('dots', id), { project_id: 'dots', transaction_id: id, username: `u${id}` }, `get ${id}`)
  await emulator.admin.deleteTransaction('dots', '..')
  t.same((await emulator.admin.listTransactions({ project_id: 'dots' })).transactions.map((r) => r.transaction_id), ['.', '...', 'a.b'])
  await emulator.addFault({ id: '..', action: { status: 500 } })
  await emulator.admin.deleteFault('..')
  t.same(await emulator.admin.faults(), [])
})
