import t from 'tap'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, startCli } from '../cli/run-cli.js'

// 100,000 records make a document of about 70 MB. The server sends it a page of records at a
// time, as the client reads: a client that stops reading holds the export where it is, and the
// server keeps answering meanwhile. (Memory figures: docs/guides/record-and-snapshots.md, "Snapshots in CI".)
const RECORDS = 100_000

t.test(`export of ${RECORDS} records streams as the client reads; the CLI writes the same bytes`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-state-large-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const db = join(dir, 'large.sqlite')
  const file = join(dir, 'large.json')
  t.equal((await runCli(['generate', '--count', String(RECORDS), '--projects', '10', '--seed', '3', '--db', db])).code, 0)
  const exported = await runCli(['export', '--db', db, '--out', file])
  t.equal(exported.code, 0, exported.stderr)
  const size = statSync(file).size
  const fileHash = createHash('sha256').update(readFileSync(file)).digest('hex')

  const server = await startCli(t, ['--db', db, '--no-fixtures'])
  const res = await fetch(`${server.url}/_emulator/state`)
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-length'), null, 'no length up front: the body is streamed')
  const reader = res.body!.getReader()
  const hash = createHash('sha256')
  let bytes = 0
  const first = await reader.read()
  hash.update(first.value!)
  bytes += first.value!.length
  t.ok(bytes < size / 10, 'the first part arrives alone')
  // While the export waits for this client, the server answers others.
  t.equal((await fetch(`${server.url}/_emulator/health`)).status, 200)
  for (let part = await reader.read(); !part.done; part = await reader.read()) { hash.update(part.value); bytes += part.value.length }
  t.equal(bytes, size)
  t.equal(hash.digest('hex'), fileHash, 'GET /_emulator/state sends what the CLI wrote')
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
})
