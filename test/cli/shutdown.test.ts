import t from 'tap'
import { once } from 'node:events'
import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'
import { startCli, type Running } from './run-cli.js'

// Issue #12, input 1: SIGTERM with work in flight. Every case must exit 0 on its own, well before
// Docker's 10 s stop grace; the times are printed (t.comment) for the record, and asserted loosely
// because the machine is shared.

interface Answer { status: number, connection: string | undefined, body: string }

const lookup = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)

function get (url: string, agent: Agent | false, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { 'x-auth-token': 't', ...headers } }, (res) => {
      let body = ''
      res.on('data', (d) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

async function addFault (server: Running, rule: unknown): Promise<void> {
  const res = await fetch(`${server.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) })
  if (res.status !== 201) throw new Error(`fault not added: ${res.status} ${await res.text()}`)
}

/** Sends SIGTERM and resolves with the exit code and the milliseconds until exit. */
async function stop (server: Running): Promise<{ code: number | null, ms: number }> {
  const started = performance.now()
  server.child.kill('SIGTERM')
  const code = await server.exited
  return { code, ms: Math.round(performance.now() - started) }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

t.test('idle: exits 0 at once', async (t) => {
  const server = await startCli(t, ['--log-level', 'warn'])
  const agent = new Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  t.equal((await get(server.url + lookup, agent)).status, 200, 'a keep-alive connection is left open and idle')
  const { code, ms } = await stop(server)
  t.comment(`idle (one idle keep-alive connection): exit ${code} after ${ms} ms`)
  t.equal(code, 0)
  t.ok(ms < 5000, `exit well inside Docker's 10 s (${ms} ms; about 10 ms on a quiet machine)`)
})

t.test('connections that never sent a byte (a preconnect, a TCP probe) do not hold the exit; a request begun does', async (t) => {
  // A grace far longer than the assertion: waiting for the silent connections would take 30 s.
  const server = await startCli(t, ['--log-level', 'warn', '--shutdown-grace', '30'])
  const port = Number(new URL(server.url).port)
  const silent = await Promise.all([1, 2, 3].map(async () => { const socket = connect(port, '127.0.0.1').on('error', () => {}); await once(socket, 'connect'); return socket }))
  t.teardown(() => { for (const socket of silent) socket.destroy() })
  const { code, ms } = await stop(server)
  t.comment(`three silent connections: exit ${code} after ${ms} ms`)
  t.equal(code, 0)
  t.ok(ms < 5000, `exit at once, not after the 30 s grace (${ms} ms)`)
  t.ok(silent.every((socket) => socket.readableEnded || socket.destroyed), 'the silent connections were closed')

  const partial = await startCli(t, ['--log-level', 'warn', '--shutdown-grace', '1'])
  const begun = connect(Number(new URL(partial.url).port), '127.0.0.1').on('error', () => {})
  t.teardown(() => begun.destroy())
  await once(begun, 'connect')
  begun.write('GET /_emulator/health HTTP/1.1\r\nHo')
  await sleep(100)
  const cut = await stop(partial)
  t.equal(cut.code, 0)
  t.ok(cut.ms >= 900, `a request whose headers are arriving gets the grace (${cut.ms} ms)`)
})

t.test('a delayed request in flight on a keep-alive connection: answered with Connection: close, exit 0', async (t) => {
  const server = await startCli(t, ['--log-level', 'warn'])
  await addFault(server, { match: { transaction_id: DOC_TRANSACTION }, action: { kind: 'delay', delay_ms: 1500 } })
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  await get(server.url + '/_emulator/health', agent)
  const answer = get(server.url + lookup, agent)
  await sleep(200)
  const stopped = stop(server)
  const res = await answer
  t.equal(res.status, 200)
  t.equal(res.connection, 'close', 'the client is told not to reuse the connection')
  const { code, ms } = await stopped
  t.comment(`keep-alive request in flight with a 1.5 s delay: exit ${code} after ${ms} ms`)
  t.equal(code, 0)
  t.ok(ms < 6000, `exit once the request is answered, before the 5 s grace ends (${ms} ms)`)
})

t.test('four hangs: ended at once, journalled, exit 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-shutdown-'))
  const server = await startCli(t, ['--log-level', 'info', '--db', join(dir, 'e.sqlite')])
  await addFault(server, { match: { transaction_id: 'hang' }, action: { kind: 'hang' } })
  const hangs = Array.from({ length: 4 }, () => get(server.url + stagesUrl(DOC_PROJECT, '?transaction_id=hang'), false).then(() => 'answered', (err: NodeJS.ErrnoException) => err.code))
  await sleep(300)
  const { code, ms } = await stop(server)
  t.comment(`four hanging requests: exit ${code} after ${ms} ms`)
  t.equal(code, 0)
  t.ok(ms < 4000, `exit at once, not after the 5 s grace (${ms} ms)`)
  t.same(await Promise.all(hangs), ['ECONNRESET', 'ECONNRESET', 'ECONNRESET', 'ECONNRESET'], 'each hanging connection is closed')
  t.match(server.output(), /"msg":"hanging requests ended by the shutdown"/)
  t.match(server.output(), /"count":4/)
})

t.test('a delay longer than the grace: cut at the grace with a warn line, exit 0', async (t) => {
  const server = await startCli(t, ['--log-level', 'warn', '--shutdown-grace', '1'])
  await addFault(server, { match: { transaction_id: DOC_TRANSACTION }, action: { kind: 'delay', delay_ms: 20000 } })
  const answer = get(server.url + lookup, false).then(() => 'answered', (err: NodeJS.ErrnoException) => err.code)
  await sleep(200)
  const { code, ms } = await stop(server)
  t.comment(`20 s delay in flight, --shutdown-grace 1: exit ${code} after ${ms} ms`)
  t.equal(code, 0)
  t.ok(ms >= 900 && ms < 8000, `cut at the 1 s grace, long before the 20 s delay ends (${ms} ms)`)
  t.equal(await answer, 'ECONNRESET')
  const warn = server.output().split('\n').find((line) => line.includes('end of the shutdown grace'))
  t.match(JSON.parse(warn ?? '{}'), { level: 40, method: 'GET', graceMs: 1000 })
})

t.test('--workers 2: idle and with a request in flight, exit 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-shutdown-'))
  const idle = await startCli(t, ['--log-level', 'warn', '--workers', '2', '--db', join(dir, 'a.sqlite')])
  const first = await stop(idle)
  t.comment(`--workers 2 idle: exit ${first.code} after ${first.ms} ms`)
  t.equal(first.code, 0)
  t.ok(first.ms < 5000, `idle workers stop at once (${first.ms} ms)`)

  const busy = await startCli(t, ['--log-level', 'warn', '--workers', '2', '--db', join(dir, 'b.sqlite')])
  await addFault(busy, { match: { transaction_id: DOC_TRANSACTION }, action: { kind: 'delay', delay_ms: 1000 } })
  const answer = get(busy.url + lookup, false)
  await sleep(200)
  const stopped = stop(busy)
  const res = await answer
  t.equal(res.status, 200)
  t.equal(res.connection, 'close')
  const second = await stopped
  t.comment(`--workers 2, 1 s delay in flight: exit ${second.code} after ${second.ms} ms`)
  t.equal(second.code, 0)
})
