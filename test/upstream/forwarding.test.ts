import t from 'tap'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { buildApp } from '../../src/app.js'
import { resolveConfig } from '../../src/config/config.js'
import { REQUEST_ID } from '../helper.js'
import { AK, SK, PROJECT, UPSTREAM_BODY, UPSTREAM_ONLY, credentialsFile, lookup, startCloud, startFront, tempDir } from './two-emulators.js'

t.test('a lookup only the upstream can answer is forwarded, signed, recorded, then served locally across a restart', async (t) => {
  const dir = tempDir(t)
  const cloud = await startCloud(t, dir)
  const db = join(dir, 'front.sqlite')
  const options = { record: true, db, upstreamCredentials: credentialsFile(dir, 'front-credentials.json') }
  let front = await startFront(t, cloud.url, options)

  const first = await lookup(front.url, PROJECT, UPSTREAM_ONLY)
  t.equal(first.status, 200)
  t.equal(await first.text(), UPSTREAM_BODY, 'the upstream body, byte for byte')
  const cloudCalls = await cloud.requests()
  t.equal(cloudCalls.length, 1)
  t.match(cloudCalls[0], { status: 200, project_id: PROJECT, transaction_id: UPSTREAM_ONLY, auth: { scheme: 'aksk', principal: AK, ok: true }, outcome: 'ok' }, 'the upstream verified a real AK/SK signature')
  t.equal(first.headers.get('x-request-id'), cloudCalls[0].request_id, 'X-Request-Id is the upstream\'s')
  const ownId = first.headers.get('x-emulator-request-id')
  t.match(ownId, REQUEST_ID)
  t.not(ownId, cloudCalls[0].request_id)
  const [entry] = await front.requests()
  t.match(entry, { request_id: ownId, status: 200, outcome: 'recorded' }, 'the front journals its own id and the outcome')

  const second = await lookup(front.url, PROJECT, UPSTREAM_ONLY)
  t.equal(await second.text(), UPSTREAM_BODY)
  t.equal(second.headers.get('x-emulator-request-id'), null, 'served locally: no upstream involved')
  t.equal(await cloud.admin.countRequests(), 1, 'the second lookup never reached the upstream')

  await front.close()
  front = await startFront(t, cloud.url, options)
  const afterRestart = await lookup(front.url, PROJECT, UPSTREAM_ONLY)
  t.equal(afterRestart.status, 200)
  t.equal(await afterRestart.text(), UPSTREAM_BODY)
  t.equal(await cloud.admin.countRequests(), 1, 'after a restart on the file database, still served locally')
})

t.test('without --record every lookup is proxied; upstream errors pass through as they are', async (t) => {
  const dir = tempDir(t)
  const cloud = await startCloud(t, dir)
  const front = await startFront(t, cloud.url, { upstreamCredentials: credentialsFile(dir, 'front-credentials.json') })
  for (let i = 0; i < 2; i++) t.equal((await lookup(front.url, PROJECT, UPSTREAM_ONLY)).status, 200)
  t.equal(await cloud.admin.countRequests(), 2)
  t.same((await front.requests()).map((e) => e.outcome), ['proxied', 'proxied'])

  const missing = await lookup(front.url, PROJECT, 'nobody-has-me')
  t.equal(missing.status, 400)
  t.same(await missing.json(), { error_code: 'WKS.0001', error_msg: `Transaction nobody-has-me not found in project ${PROJECT}.` }, 'the upstream\'s 400 body')
})

t.test('wrong upstream credentials: the upstream\'s 401 is passed through', async (t) => {
  const dir = tempDir(t)
  const cloud = await startCloud(t, dir)
  const front = await startFront(t, cloud.url, { record: true, upstreamCredentials: credentialsFile(dir, 'wrong.json', 'not-the-secret') })
  const res = await lookup(front.url, PROJECT, UPSTREAM_ONLY)
  t.equal(res.status, 401)
  const upstreamId = res.headers.get('x-request-id')
  t.same(await res.json(), { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information: verify aksk signature fail', request_id: upstreamId })
  t.match(res.headers.get('x-emulator-request-id'), REQUEST_ID)
  t.equal((await front.admin.listTransactions()).total, 0, 'nothing recorded from an error')
  t.match(await cloud.requests(), [{ status: 401, auth: { scheme: 'aksk', principal: AK, ok: false } }])
})

t.test('upstream down: the catalogue\'s 502 naming the failure', async (t) => {
  // A port that was just free: nothing listens on it.
  const port = await new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)) }) })
  const front = await startFront(t, `http://127.0.0.1:${port}`)
  const res = await lookup(front.url, PROJECT, UPSTREAM_ONLY)
  t.equal(res.status, 502)
  const id = res.headers.get('x-request-id')
  t.same(await res.json(), { error_code: 'APIGW.0202', error_msg: `Backend unavailable: upstream http://127.0.0.1:${port} failed (ECONNREFUSED).`, request_id: id })
  t.match(await front.requests(), [{ status: 502, outcome: 'error', request_id: id }])
})

t.test('slow upstream: the catalogue\'s 504 at --upstream-timeout', async (t) => {
  // Accepts connections and never answers.
  const sockets = new Set<import('node:net').Socket>()
  const silent: Server = createServer((s) => { sockets.add(s) })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const s of sockets) s.destroy(); silent.close() })
  const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`
  const front = await startFront(t, url, { upstreamTimeout: 300 })
  const started = performance.now()
  const res = await lookup(front.url, PROJECT, UPSTREAM_ONLY)
  const elapsed = performance.now() - started
  t.equal(res.status, 504)
  t.same(await res.json(), { error_code: 'APIGW.0204', error_msg: `Backend timeout: upstream ${url} sent no answer within 300 ms.`, request_id: res.headers.get('x-request-id') })
  t.ok(elapsed >= 290 && elapsed < 3000, `answered at the timeout (${elapsed.toFixed(0)} ms)`)
})

t.test('the upstream credentials never reach the log: only the AK and the scheme', async (t) => {
  const dir = tempDir(t)
  const cloud = await startCloud(t, dir)
  let logged = ''
  const logStream = new Writable({ write (chunk, _encoding, done) { logged += chunk; done() } })
  const front = await buildApp(resolveConfig({ unknownTransaction: 'proxy', upstream: cloud.url, record: true, upstreamCredentials: credentialsFile(dir, 'front.json'), fixtures: false, logLevel: 'trace' }), { logStream })
  t.teardown(() => front.close())
  const res = await front.inject({ url: `/v2/${PROJECT}/statistics/metrics/access-stages?transaction_id=${UPSTREAM_ONLY}`, headers: { 'x-auth-token': 'client-token' } })
  t.equal(res.statusCode, 200)
  t.match(logged, `"upstream":"${cloud.url}"`)
  t.match(logged, `"auth":{"scheme":"aksk","ak":"${AK}"}`)
  t.notMatch(logged, SK, 'no secret key')
  t.notMatch(logged, /Signature=/, 'no signature')
})
