import t from 'tap'
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, REQUEST_ID, stagesUrl } from '../helper.js'
import { runCli, startCli } from './run-cli.js'

t.test('serves the documented example over a real port; first log line states the URL', async (t) => {
  const server = await startCli(t)
  t.match(server.output().split('\n')[0], /Server listening at http:\/\/127\.0\.0\.1:\d+/)
  const res = await fetch(server.url + stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), { headers: { 'X-Auth-Token': 't' } })
  t.equal(res.status, 200)
  t.equal(await res.text(), DOC_BODY)
  t.match(res.headers.get('x-request-id'), REQUEST_ID)
  const missing = await fetch(server.url + '/nope')
  const body = await missing.json()
  t.same(body, { error_code: 'APIGW.0101', error_msg: 'The API does not exist or has not been published in the environment.', request_id: missing.headers.get('x-request-id') })
})

t.test('HTTP-level garbage gets catalogue errors, not Fastify defaults', async (t) => {
  const server = await startCli(t)
  const big = await fetch(server.url + '/x', { headers: { 'X-Big': 'a'.repeat(20000) } })
  t.equal(big.status, 431)
  const bigBody = await big.json()
  t.same(bigBody, { error_code: 'APIGW.0201', error_msg: 'API request error.', request_id: big.headers.get('x-request-id') })
  const { Socket } = await import('node:net')
  const port = Number(new URL(server.url).port)
  const raw = await new Promise<string>((resolve) => {
    const socket = new Socket()
    let data = ''
    socket.connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'))
    socket.on('data', (d) => { data += d })
    socket.on('close', () => resolve(data))
  })
  t.match(raw, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(raw, /\r\n\r\n\{"error_code":"APIGW\.0201","error_msg":"API request error\.","request_id":"[0-9a-f]{32}"\}$/)
})

t.test('a bad flag: one clear line and a non-zero exit', async (t) => {
  const { code, stderr, stdout } = await runCli(['--port', 'eighty'])
  t.equal(code, 2)
  t.equal(stderr, 'wks-emulator: invalid --port "eighty": expected an integer from 0 to 65535\n')
  t.equal(stdout, '')
  const env = await runCli([], { WKS_EMULATOR_AUTH: 'sometimes' })
  t.equal(env.code, 2)
  t.equal(env.stderr, 'wks-emulator: invalid WKS_EMULATOR_AUTH "sometimes": expected one of off, relaxed, strict\n')
})

t.test('--help lists the flags and exits 0', async (t) => {
  const { code, stdout } = await runCli(['--help'])
  t.equal(code, 0)
  t.match(stdout, /--unknown-transaction/)
})

t.test('a bad fixture file stops start-up naming file, record and field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-fixtures-'))
  const file = join(dir, 'bad.json')
  writeFileSync(file, JSON.stringify({
    transactions: [
      { project_id: 'p1', transaction_id: 'ok' },
      { project_id: 'p1', transaction_id: 'broken', stages: [{ stage: 'LOGIN', duration: 'slow' }] }
    ]
  }))
  const { code, stderr } = await runCli(['--fixtures', dir, '--port', '0'])
  t.equal(code, 2)
  t.equal(stderr, `wks-emulator: fixture file ${file}: record 1 (transaction_id broken): field stages[0].duration must be integer\n`)
})

t.test('SIGTERM: drains, closes the file database cleanly, exits 0; data survives a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-db-'))
  const db = join(dir, 'emulator.sqlite')
  const server = await startCli(t, ['--db', db])
  t.ok(existsSync(`${db}-wal`), 'WAL is on while running')
  const res = await fetch(server.url + stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), { headers: { 'X-Auth-Token': 't' } })
  t.equal(res.status, 200)
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
  t.notOk(existsSync(`${db}-wal`) && statSync(`${db}-wal`).size > 0, 'WAL checkpointed on close')
  const check = new Database(db, { readonly: true })
  t.equal(check.pragma('integrity_check', { simple: true }), 'ok')
  t.equal(check.prepare('SELECT count(*) FROM fixtures').pluck().get(), 13)
  check.close()
  const again = await startCli(t, ['--db', db])
  const back = await fetch(again.url + stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), { headers: { 'X-Auth-Token': 't' } })
  t.equal(await back.text(), DOC_BODY)
  again.child.kill('SIGINT')
  t.equal(await again.exited, 0)
})
