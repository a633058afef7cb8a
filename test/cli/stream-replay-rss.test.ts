import t from 'tap'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { startCli } from './run-cli.js'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024
const stalled = (port: number) => new Promise<Socket>((resolve) => { const s = connect(port, '127.0.0.1', () => { s.pause(); s.write('GET /_emulator/requests/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: 0\r\n\r\n', () => resolve(s)) }); s.on('error', () => {}) })
async function health (url: string) { let w = 0; for (let i = 0; i < 10; i++) { const s = performance.now(); await (await fetch(`${url}/_emulator/health`)).text(); w = Math.max(w, performance.now() - s); await sleep(20) } return w }
// Issue 21 item 2 measured on the server process alone (its RSS from /proc): 1,000 lookups whose
// transaction_id is 5,000 × %01, 20 sockets replaying from Last-Event-ID: 0 that never read, then
// 10 clients × 10 reconnects. Before the fix: +1,163 MB and +1,954 MB, health up to 439 ms.
t.test('stalled replays and reconnects add at most 50 MB to the server and health stays under 50 ms', async (t) => {
  const server = await startCli(t, [])
  const pid = server.child.pid!
  const port = Number(new URL(server.url).port)
  const id = '%01'.repeat(5000)
  for (let i = 0; i < 1000; i++) await (await fetch(`${server.url}/v2/p/statistics/metrics/access-stages?transaction_id=${id}`, { headers: { 'x-auth-token': 't' } })).text()
  await health(server.url)
  const r0 = rss(pid)
  const socks: Socket[] = []
  for (let i = 0; i < 20; i++) socks.push(await stalled(port))
  await sleep(1000)
  const h1 = await health(server.url)
  const r1 = rss(pid)
  for (let round = 0; round < 10; round++) { const again = await Promise.all(Array.from({ length: 10 }, () => stalled(port))); await sleep(100); for (const s of again) s.destroy() }
  await sleep(500)
  const h2 = await health(server.url)
  const r2 = rss(pid)
  t.comment(`server RSS ${r0.toFixed(0)} MB; +20 stalled: +${(r1 - r0).toFixed(1)} MB, health worst ${h1.toFixed(1)} ms; +10x10 reconnects: +${(r2 - r0).toFixed(1)} MB, health worst ${h2.toFixed(1)} ms`)
  t.ok(r1 - r0 < 50, `20 stalled replays: +${(r1 - r0).toFixed(1)} MB (limit 50)`)
  t.ok(r2 - r0 < 50, `and 100 reconnects: +${(r2 - r0).toFixed(1)} MB (limit 50)`)
  t.ok(h1 < 50 && h2 < 50, `health within ${Math.max(h1, h2).toFixed(1)} ms (limit 50)`)
  for (const s of socks) s.destroy()
})
