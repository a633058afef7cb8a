import { connect, type Socket } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import { MAX_JOURNAL_TEXT_BYTES, truncatedMark } from '../../src/store/journal/journal.js'
import { listening, stagesUrl, TOKEN } from '../helper.js'

// Issue 21 item 2: a journal of 1,000 lookups whose transaction_id is 5,000 × %01 (30 KB of JSON each
// uncapped), replayed from Last-Event-ID: 0 to 20 sockets that never read, then 10 clients × 10 reconnects.
const LONG_ID = '%01'.repeat(5000)
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A client that asks for the whole replay and never reads a byte. */
function stalled (port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.pause()
      socket.write('GET /_emulator/requests/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: 0\r\n\r\n', () => resolve(socket))
    })
    socket.on('error', reject)
  })
}

/** The slowest of a few /_emulator/health answers, in ms. */
async function healthMs (url: string): Promise<number> {
  let worst = 0
  for (let i = 0; i < 10; i++) {
    const started = performance.now()
    const res = await fetch(`${url}/_emulator/health`)
    await res.text()
    worst = Math.max(worst, performance.now() - started)
    await sleep(20)
  }
  return worst
}

t.test('replaying a journal of long entries to clients that never read costs bounded memory and leaves the loop free', async (t) => {
  const { app, port, url } = await listening(t, { journalSize: 10_000 })
  for (let i = 0; i < 1000; i++) await app.inject({ url: stagesUrl('p', `?transaction_id=${LONG_ID}`), headers: TOKEN })
  await healthMs(url)
  gc()
  const start = process.memoryUsage()
  const before = start.rss
  const sockets: Socket[] = []
  t.teardown(() => { for (const s of sockets) s.destroy() })
  for (let i = 0; i < 20; i++) sockets.push(await stalled(port))
  await sleep(500)
  const health = await healthMs(url)
  // Ten clients that reconnect ten times each, every time from the start and never reading.
  for (let round = 0; round < 10; round++) {
    const again = await Promise.all(Array.from({ length: 10 }, () => stalled(port)))
    await sleep(50)
    for (const s of again) s.destroy()
  }
  await sleep(300)
  const reconnectHealth = await healthMs(url)
  gc()
  const end = process.memoryUsage()
  const added = (end.rss - before) / 1024 / 1024
  const retained = (end.heapUsed + end.external - start.heapUsed - start.external) / 2 ** 20
  t.comment(`20 stalled replays + 100 reconnects: RSS +${added.toFixed(1)} MB (${retained.toFixed(1)} MB held), health worst ${health.toFixed(1)} ms, after reconnects ${reconnectHealth.toFixed(1)} ms`)
  // RSS counts this test's clients and the allocator's high-water mark too (the V8 heap reserved
  // for young objects grows under churn and is not returned), hence the margin; what stays
  // reachable after a collection is the figure the replay itself holds. Unbounded: +221 MB, 60+ MB held.
  t.ok(added < 100, `RSS grew ${added.toFixed(1)} MB (target 50 MB, limit with margin 100 MB)`)
  t.ok(retained < 10, `${retained.toFixed(1)} MB held after a collection (limit 10 MB)`)
  t.ok(health < 50, `health answered within ${health.toFixed(1)} ms while 20 replays wait (limit 50 ms)`)
  t.ok(reconnectHealth < 50, `health answered within ${reconnectHealth.toFixed(1)} ms after the reconnects (limit 50 ms)`)
})

t.test('a replay to a client that reads is complete, in order, and the stream goes on live', async (t) => {
  const { app, url } = await listening(t)
  for (let i = 0; i < 40; i++) await app.inject({ url: stagesUrl('p', `?transaction_id=t${i}`), headers: TOKEN })
  const controller = new AbortController()
  t.teardown(() => controller.abort())
  const res = await fetch(`${url}/_emulator/requests/stream`, { headers: { 'last-event-id': '0' }, signal: controller.signal })
  const seqs: number[] = []
  let text = ''
  const reading = (async () => {
    for await (const chunk of res.body!) {
      text += Buffer.from(chunk as Uint8Array).toString()
      seqs.splice(0, seqs.length, ...[...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])))
      if (seqs.length >= 41) break
    }
  })()
  await sleep(100)
  await app.inject({ url: stagesUrl('p', '?transaction_id=live'), headers: TOKEN })
  await Promise.race([reading, sleep(2000)])
  t.same(seqs, Array.from({ length: 41 }, (_, i) => i + 1), 'every entry once, in order, the live one after the replay')
  t.match(text, /^retry: 1000\n\nevent: journal\ndata: \{"journal_id":"[0-9a-f-]{36}"\}\n\n/, 'names the journal first')
  controller.abort()
})

t.test('a stored journal string is capped at MAX_JOURNAL_TEXT_BYTES, with a marker', async (t) => {
  const { app } = await listening(t)
  await app.inject({ url: stagesUrl('p', `?transaction_id=${LONG_ID}`), headers: TOKEN })
  await app.inject({ url: stagesUrl('p', `?transaction_id=${'%C3%A9'.repeat(300)}`), headers: TOKEN })
  const [first, second] = (await app.inject({ url: '/_emulator/requests' })).json().requests
  t.equal(first.transaction_id, '\u0001'.repeat(512) + truncatedMark(4488))
  t.equal(MAX_JOURNAL_TEXT_BYTES, 512)
  t.equal(second.transaction_id, 'é'.repeat(256) + truncatedMark(88), 'cut at a character boundary')
})
