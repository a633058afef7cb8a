import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startEmulator } from 'wks-emulator'

test('the client gives up on a reset connection', async (t) => {
  const emulator = await startEmulator({ auth: 'off' })
  t.after(() => emulator.close())

  await emulator.addFault({ match: { transaction_id: 'tx-reset' }, action: { kind: 'reset' } })
  const url = `${emulator.url}/v2/node-test/statistics/metrics/access-stages?transaction_id=tx-reset`
  await assert.rejects(fetch(url), { name: 'TypeError' })

  const [entry] = await emulator.requests({ transaction_id: 'tx-reset' })
  assert.equal(entry.outcome, 'fault:reset')
})
