import t from 'tap'
import { startEmulator } from 'wks-emulator'

t.test('the client retries through two 500s', async (t) => {
  const emulator = await startEmulator({ auth: 'off' })
  t.teardown(() => emulator.close())

  const projectId = 'retry-test' // one project per test or worker keeps parallel tests apart
  await emulator.seed({
    project_id: projectId,
    transaction_id: 'tx-1',
    username: 'alice',
    biz_type: 'DESKTOP',
    stages: [{ stage: 'LOGIN', duration: 420, is_success: true, error_code: 'WKS.00000000', error_msg: 'OK' }]
  })
  await emulator.addFault({ match: { project_id: projectId }, action: { status: 500 }, times: 2 })

  // Your client goes here; fetch stands in for it.
  const url = `${emulator.url}/v2/${projectId}/statistics/metrics/access-stages?transaction_id=tx-1`
  let res
  for (let attempt = 0; attempt < 3; attempt++) {
    res = await fetch(url)
    if (res.ok) break
  }
  t.equal(res.status, 200)
  t.equal((await res.json()).username, 'alice')

  const journal = await emulator.requests({ project_id: projectId })
  t.same(journal.map((entry) => entry.status), [500, 500, 200])
})
