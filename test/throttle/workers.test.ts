import t from 'tap'
import { request } from 'node:http'
import { join } from 'node:path'
import { DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'
import { startCli } from '../cli/run-cli.js'

// Under --workers the kernel hands each connection to one worker; the counts live in the database
// they share, so a limit holds for the cluster as a whole, whichever worker a call reaches.

const freshGet = (url: string): Promise<{ status: number }> => new Promise((resolve, reject) => {
  const req = request(url, { agent: false, headers: { 'x-auth-token': 'worker-token' } }, (res) => {
    res.resume()
    res.on('end', () => resolve({ status: res.statusCode! }))
  })
  req.on('error', reject)
  req.end()
})

t.test('--workers 2: 30 calls over 30 connections at user=12/min are exactly 12 answers', async (t) => {
  const db = join(t.testdir({}), 'workers.sqlite')
  const server = await startCli(t, ['--workers', '2', '--db', db, '--rate-limit', 'user=12/min'])
  // The start of the next minute on the emulator's clock leaves the whole minute for the calls.
  await fetch(`${server.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offset_ms: 60_000 - (Date.now() % 60_000) }) })
  const url = server.url + stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)
  const answers = await Promise.all(Array.from({ length: 30 }, () => freshGet(url)))
  t.equal(answers.filter((a) => a.status === 200).length, 12, 'no more than the limit, across both workers')
  t.equal(answers.filter((a) => a.status === 429).length, 18)
  const state = await (await fetch(`${server.url}/_emulator/rate-limits`)).json()
  t.equal(state.policies.user.callers[0].remaining, 0, 'either worker reports the shared count')
  // A change made through one worker reaches the other at once.
  await fetch(`${server.url}/_emulator/rate-limits`, { method: 'DELETE' })
  const after = await Promise.all(Array.from({ length: 6 }, () => freshGet(url)))
  t.same(after.map((a) => a.status), Array(6).fill(200))
})
