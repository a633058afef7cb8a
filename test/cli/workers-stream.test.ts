import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stagesUrl } from '../helper.js'
import { startCli } from './run-cli.js'

t.test('--workers 2: one stream shows the requests every worker answered', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'wks-stream-')), 'shared.sqlite')
  const server = await startCli(t, ['--workers', '2', '--db', db, '--log-level', 'info', '--unknown-transaction', 'empty'], {}, 30_000)
  for (let i = 0; i < 1200 && (server.output().match(/Server listening at/g) ?? []).length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25))

  const controller = new AbortController()
  t.teardown(() => controller.abort())
  const stream = await fetch(`${server.url}/_emulator/requests/stream?project_id=stream-test`, { signal: controller.signal })
  t.equal(stream.status, 200)
  const seen = new Set<string>()
  const reading = (async () => {
    let text = ''
    for await (const chunk of stream.body!) {
      text += Buffer.from(chunk as Uint8Array).toString()
      for (const m of text.matchAll(/"transaction_id":"(tx-\d+)"/g)) seen.add(m[1])
      if (seen.size === 12) return
    }
  })()

  // One connection per request, so that both workers (each accepting for itself) answer some.
  for (let i = 0; i < 12; i++) {
    await new Promise<void>((resolve, reject) => {
      get(server.url + stagesUrl('stream-test', `?transaction_id=tx-${i}`), { agent: false, headers: { 'x-auth-token': 't' } }, (res) => {
        res.resume().on('end', resolve)
      }).on('error', reject)
    })
  }
  const timeout = setTimeout(() => controller.abort(), 5000)
  await reading.catch(() => {})
  clearTimeout(timeout)
  t.equal(seen.size, 12, 'all twelve requests arrived on the one stream')
  controller.abort()
  server.child.kill('SIGTERM')
  const code = await server.exited
  t.equal(code, 0, code === 0 ? 'exit 0' : server.output().slice(-3000))
})
