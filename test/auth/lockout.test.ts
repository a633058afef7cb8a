import t from 'tap'
import { createLockout, LOCKOUT_DURATION_MS, LOCKOUT_THRESHOLD } from '../../src/api/auth/lockout.js'

t.test('defaults are the gateway\'s: 5 failures, 5 minutes', async (t) => {
  t.equal(LOCKOUT_THRESHOLD, 5)
  t.equal(LOCKOUT_DURATION_MS, 300_000)
  const lockout = createLockout()
  for (let i = 1; i <= 4; i++) {
    lockout.recordFailure('AK', 1000)
    t.notOk(lockout.isLocked('AK', 1000), `${i} failures do not lock`)
  }
  lockout.recordFailure('AK', 1000)
  t.ok(lockout.isLocked('AK', 1000), 'the fifth does')
  t.ok(lockout.isLocked('AK', 1000 + 299_999))
  t.notOk(lockout.isLocked('OTHER', 1000), 'per AK')
  t.notOk(lockout.isLocked('AK', 1000 + 300_000), 'over after five minutes')
  lockout.recordFailure('AK', 400_000)
  t.notOk(lockout.isLocked('AK', 400_000), 'the count starts afresh after a lock')
})

t.test('a success clears the count', async (t) => {
  const lockout = createLockout()
  for (let i = 0; i < 4; i++) lockout.recordFailure('AK', 0)
  lockout.recordSuccess('AK')
  for (let i = 0; i < 4; i++) lockout.recordFailure('AK', 0)
  t.notOk(lockout.isLocked('AK', 0))
})

t.test('threshold and duration are parameters; 0 never locks; clear forgets', async (t) => {
  const quick = createLockout({ threshold: 2, durationMs: 10 })
  quick.recordFailure('AK', 0)
  quick.recordFailure('AK', 0)
  t.ok(quick.isLocked('AK', 9))
  t.notOk(quick.isLocked('AK', 10))
  const never = createLockout({ threshold: 0 })
  for (let i = 0; i < 100; i++) never.recordFailure('AK', 0)
  t.notOk(never.isLocked('AK', 0))
  const cleared = createLockout({ threshold: 1 })
  cleared.recordFailure('AK', 0)
  cleared.clear()
  t.notOk(cleared.isLocked('AK', 0))
})
