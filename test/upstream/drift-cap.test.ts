import t from 'tap'
import { createServer } from 'node:http'
import { Writable } from 'node:stream'
import { buildApp } from '../../src/app.js'
import { resolveConfig } from '../../src/config/config.js'
import { PROJECT } from './two-emulators.js'

/** 2,000 field names per body that no body had before; the first of each longer than a path is kept, its value longer than an example is. */
const FIELDS = 2000
const inventive = (n: number): string => JSON.stringify(Object.fromEntries(Array.from({ length: FIELDS }, (_, i) => i === 0 ? [`f${n}_0_${'x'.repeat(300)}`, 'y'.repeat(5000)] : [`f${n}_${i}`, i])))

t.test('an upstream inventing field names: 1,000 kinds kept, the rest counted as dropped; one warn line each and one summary; the GET pages', async (t) => {
  let n = 0
  const cloud = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(inventive(n++))
  })
  await new Promise<void>((resolve) => cloud.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { cloud.closeAllConnections(); cloud.close() })
  const lines: string[] = []
  const logStream = new Writable({ write (chunk, _encoding, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done() } })
  const app = await buildApp(resolveConfig({ unknownTransaction: 'proxy', upstream: `http://127.0.0.1:${(cloud.address() as { port: number }).port}`, fixtures: false, logLevel: 'warn' }), { logStream })
  t.teardown(() => app.close())

  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ url: `/v2/${PROJECT}/statistics/metrics/access-stages?transaction_id=tx-${i}`, headers: { 'x-auth-token': 'any' } })
    t.equal(res.statusCode, 200)
  }
  const warns = lines.map((l) => JSON.parse(l) as { level: number, msg: string, drift?: unknown }).filter((l) => l.level === 40)
  t.equal(warns.filter((l) => l.msg === 'upstream body departs from the response schema').length, 1000, 'one warn line per kind kept')
  t.same(warns.filter((l) => l.msg !== 'upstream body departs from the response schema').map((l) => [l.msg, l.drift]), [
    ['upstream drift: 1000 kinds kept, the most there are; new kinds are counted as dropped at GET /_emulator/drift, not kept or logged', { kept: 1000 }]
  ], 'one summary line when the cap is hit')

  const all = await app.inject({ url: '/_emulator/drift' })
  t.equal(all.statusCode, 200)
  const report = all.json() as { kinds: Array<{ path: string, kind: string, example: unknown, count: number }>, total: number, dropped: number }
  t.equal(report.kinds.length, 1000, 'by default every kind kept')
  t.equal(report.total, 1000)
  t.equal(report.dropped, 3 * FIELDS - 1000)
  t.same(report.kinds[0], { ...report.kinds[0], path: `f0_0_${'x'.repeat(251)}…`, kind: 'unknown_field', example: `${'y'.repeat(256)}…`, count: 1 }, 'path and example clipped at 256 characters')
  t.ok(all.payload.length < 1024 * 1024, `the whole list is bounded (${all.payload.length} bytes)`)

  const page = await app.inject({ url: '/_emulator/drift?limit=2&offset=998' })
  t.same((page.json() as typeof report).kinds.map((k) => k.path), report.kinds.slice(998).map((k) => k.path))
  t.same({ ...page.json() as typeof report, kinds: [] }, { kinds: [], total: 1000, dropped: 5000 })
  t.same((await app.inject({ url: '/_emulator/drift?offset=1000' })).json(), { kinds: [], total: 1000, dropped: 5000 }, 'past the end: an empty page')
  const bad = await app.inject({ url: '/_emulator/drift?limit=0' })
  t.equal(bad.statusCode, 400)
  t.same(bad.json(), { error_code: 'WKS.0001', error_msg: 'Invalid parameter limit: must be >= 1.' })

  t.equal((await app.inject({ method: 'DELETE', url: '/_emulator/drift' })).statusCode, 204)
  t.same((await app.inject({ url: '/_emulator/drift' })).json(), { kinds: [], total: 0, dropped: 0 }, 'cleared: dropped starts again')
})
