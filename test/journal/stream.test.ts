import { connect, type Socket } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import Fastify from 'fastify'
import { createRingJournal } from '../../src/store/journal/ring.js'
import { createSqliteJournal } from '../../src/store/journal/sqlite.js'
import { createJournalStream, frameOf, POLL_BATCH } from '../../src/store/journal/stream.js'
import { MAX_UNREAD_BYTES, requestsStreamRoute } from '../../src/control/requests-stream.js'
import type { JournalRecord } from '../../src/schemas/journal.js'
import { validatorCompiler } from '../../src/schemas/validator.js'
import { openDb } from '../../src/store/db.js'
import { assertError, build } from '../helper.js'

const record = (projectId: string, transactionId: string, status: number, path = '/v2/p/statistics/metrics/access-stages'): JournalRecord => ({
  at: 1_767_600_000_000,
  request_id: 'a'.repeat(32),
  method: 'GET',
  path,
  project_id: projectId,
  transaction_id: transactionId,
  status,
  duration_ms: 0.5,
  auth: { scheme: 'token', principal: 'token', ok: true },
  outcome: status < 400 ? 'ok' : 'error'
})
/** The frames of one write: each ends with a blank line. */
const framesOf = (batch: string): string[] => batch.split(/(?<=\n\n)/)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('a listener gets the new entries its filter matches, in order, each once', async (t) => {
  const journal = createRingJournal(100)
  journal.append(record('p1', 't1', 200))
  const stream = createJournalStream(journal, { pollMs: 5 })
  t.teardown(() => stream.close())
  const frames: Record<string, string[]> = { all: [], p1: [], p1t2: [], s400: [] }
  const listen = (name: string, filter: object) => stream.subscribe({ filter, send: (f) => { frames[name].push(...framesOf(f)); return true }, end: () => {} })
  listen('all', {})
  listen('p1', { projectId: 'p1' })
  listen('p1t2', { projectId: 'p1', transactionId: 't2' })
  listen('s400', { status: 400 })
  journal.append(record('p1', 't2', 200))
  journal.append(record('p2', 't2', 400))
  journal.append(record('p1', 't2', 400))
  await sleep(30)
  const seqs = (name: string) => frames[name].map((f) => Number(/^id: (\d+)/.exec(f)![1]))
  t.same(seqs('all'), [2, 3, 4], 'only entries after subscribing')
  t.same(seqs('p1'), [2, 4])
  t.same(seqs('p1t2'), [2, 4])
  t.same(seqs('s400'), [3, 4])
  t.equal(frames.all[0], frameOf(journal.list()[1]), 'id, event and the entry as data')
  t.match(frames.all[0], /^id: 2\nevent: request\ndata: \{"seq":2,"time":"2026-01-05T08:00:00.000Z",.*"outcome":"ok"\}\n\n$/)
})

t.test('Last-Event-ID replays what the journal still holds after it; a listener whose send fails is forgotten', async (t) => {
  const journal = createRingJournal(100)
  for (let i = 0; i < 5; i++) journal.append(record('p', `t${i}`, 200))
  const stream = createJournalStream(journal, { pollMs: 5 })
  t.teardown(() => stream.close())
  const got: string[] = []
  stream.subscribe({ filter: {}, send: (f) => { got.push(...framesOf(f)); return true }, end: () => {} }, 3)
  t.same(got.map((f) => /^id: (\d+)/.exec(f)![1]), ['4', '5'])
  let calls = 0
  stream.subscribe({ filter: {}, send: () => { calls++; return false }, end: () => {} })
  t.equal(stream.size(), 2)
  journal.append(record('p', 'x', 200))
  journal.append(record('p', 'y', 200))
  await sleep(30)
  t.equal(calls, 1, 'dropped at its first failed send')
  t.equal(stream.size(), 1)
})

t.test('the shared SQLite journal of --workers: followed by seq, entries of other processes and after a clear', async (t) => {
  const db = openDb(':memory:')
  t.teardown(() => db.close())
  const journal = createSqliteJournal(db, 100)
  for (let i = 0; i < 3; i++) journal.append(record('p', `old${i}`, 200))
  const stream = createJournalStream(journal, { pollMs: 5 })
  t.teardown(() => stream.close())
  const got: string[] = []
  stream.subscribe({ filter: {}, send: (f) => { for (const part of f.split('data: ').slice(1)) got.push(JSON.parse(part.split('\n')[0]).transaction_id); return true }, end: () => {} })
  // Another process's entries arrive in the table directly.
  db.prepare("INSERT INTO journal (project_id, transaction_id, status, entry) VALUES ('p', 'other', 200, ?)").run(JSON.stringify({ ...record('p', 'other', 200), at: undefined, time: '2026-01-05T08:00:00.000Z' }))
  journal.append(record('p', 'mine', 200))
  await sleep(60)
  t.same(got, ['other', 'mine'])
  journal.clear()
  journal.append(record('p', 'after-clear', 200))
  await sleep(60)
  t.same(got, ['other', 'mine', 'after-clear'])
})

/** GET /_emulator/requests/stream on a raw socket that never reads what it is sent. */
function slowClient (port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /_emulator/requests/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
      socket.pause()
      resolve(socket)
    })
    socket.on('error', reject)
  })
}

t.test('back-pressure: clients that stop reading are dropped after a bounded buffer; a reading client keeps up', async (t) => {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const journal = createRingJournal(10_000)
  const stream = createJournalStream(journal, { pollMs: 5 })
  const app = Fastify()
  app.setValidatorCompiler(validatorCompiler)
  await app.register(requestsStreamRoute, { stream })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const port = (app.server.address() as { port: number }).port

  // A reading client, through fetch as the dashboard reads it.
  const controller = new AbortController()
  t.teardown(() => controller.abort())
  const res = await fetch(`http://127.0.0.1:${port}/_emulator/requests/stream`, { signal: controller.signal })
  t.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  let lastSeen = 0
  const reading = (async () => {
    const decoder = new TextDecoder()
    let tail = ''
    for await (const chunk of res.body!) {
      tail = (tail + decoder.decode(chunk as Uint8Array)).slice(-20_000)
      for (const m of tail.matchAll(/id: (\d+)\n/g)) lastSeen = Math.max(lastSeen, Number(m[1]))
    }
  })().catch(() => {})

  gc()
  const before = process.memoryUsage()
  const slow = await Promise.all(Array.from({ length: 10 }, () => slowClient(port)))
  t.teardown(() => { for (const s of slow) s.destroy() })
  for (let i = 0; i < 250 && stream.size() < 11; i++) await sleep(20)
  t.equal(stream.size(), 11, 'ten slow clients and one reading client')

  // 60,000 entries (about 19 MiB for each client, 190 MiB for ten if unread data were kept without limit).
  const frameBytes = frameOf({ seq: 1, ...record('p', 't0-0', 200), time: '' }).length
  let peak = 0
  for (let batch = 0; batch < 60 && stream.size() > 1; batch++) {
    for (let i = 0; i < 1000; i++) journal.append(record('p', `t${batch}-${i}`, 200))
    await sleep(10)
    gc()
    const m = process.memoryUsage()
    peak = Math.max(peak, m.heapUsed + m.external - before.heapUsed - before.external)
  }
  for (let i = 0; i < 100 && stream.size() > 1; i++) await sleep(20)
  t.equal(stream.size(), 1, 'every slow client was dropped; the reading one stays')
  const last = journal.lastSeq()
  // eslint-disable-next-line no-unmodified-loop-condition -- the reading loop above advances lastSeen
  for (let i = 0; i < 100 && lastSeen < last; i++) await sleep(20)
  t.equal(lastSeen, last, 'the reading client got the newest entry')
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1)
  t.comment(`stream memory with 10 slow clients: peak ${mib(peak)} MiB retained over the baseline (heap + external, after gc); ` +
    `each may hold ${mib(MAX_UNREAD_BYTES)} MiB unread plus one poll (${POLL_BATCH} entries of ${frameBytes} bytes)`)
  t.ok(peak < 10 * (MAX_UNREAD_BYTES + POLL_BATCH * frameBytes) * 1.5, `peak ${mib(peak)} MiB: bounded by 10 × (unread limit + one poll), far below the ${mib(10 * 60_000 * frameBytes)} MiB unbounded buffers would hold`)
  controller.abort()
  await reading
})

t.test('GET /_emulator/requests/stream: a bad filter or Last-Event-ID is a 400 naming it', async (t) => {
  const app = await build(t)
  assertError(t, await app.inject({ url: '/_emulator/requests/stream?status=abc' }), 400, 'WKS.0001', 'Invalid parameter status: must be integer.')
  assertError(t, await app.inject({ url: '/_emulator/requests/stream', headers: { 'last-event-id': 'x1' } }), 400, 'WKS.0001', 'Invalid parameter Last-Event-ID: must be a journal seq.')
})

t.test('an idle stream sends a comment line now and then, which finds listeners that are gone', async (t) => {
  const stream = createJournalStream(createRingJournal(10), { pollMs: 5, heartbeatMs: 10 })
  t.teardown(() => stream.close())
  const got: string[] = []
  stream.subscribe({ filter: {}, send: (f) => { got.push(f); return true }, end: () => {} })
  stream.subscribe({ filter: {}, send: () => false, end: () => {} })
  await sleep(40)
  t.ok(got.length >= 2 && got.every((f) => f === ': keep-alive\n\n'), 'comment lines only')
  t.equal(stream.size(), 1, 'the gone listener was forgotten at the first one')
})

t.test('the stream carries the CORS headers of an origin --cors lists, as every control route does', async (t) => {
  const app = await build(t, { cors: 'http://localhost:5173' })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  const controller = new AbortController()
  t.teardown(() => controller.abort())
  const res = await fetch(`http://127.0.0.1:${port}/_emulator/requests/stream`, { headers: { origin: 'http://localhost:5173' }, signal: controller.signal })
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  t.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173')
  t.equal(res.headers.get('access-control-allow-credentials'), 'true')
  t.equal(res.headers.get('access-control-expose-headers'), 'X-Request-Id, X-Emulator-Request-Id, X-Apig-Latency, X-Apig-RateLimit-api, X-Apig-RateLimit-api-allenv, X-Apig-RateLimit-user, X-Apig-RateLimit-ip')
  t.equal(res.headers.get('vary'), 'Origin')
  t.match(res.headers.get('x-request-id'), /^[0-9a-f]{32}$/)
  controller.abort()
})
