import t from 'tap'
import { connect, type Socket } from 'node:net'
import { DEFAULT_LIMITS } from '../../src/runtime/limits.js'
import { MAX_FAULT_MS } from '../../src/schemas/faults.js'
import { parseResponses } from '../net/raw-http.js'
import { DOC_PROJECT, DOC_TRANSACTION, listening, stagesUrl } from '../helper.js'

const SHORT = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, timeoutCheckMs: 50 }

/** Opens a socket, writes, and reports what arrived and when the server closed it. */
function watch (port: number, bytes: string): Promise<{ data: Buffer, closedAfterMs: number }> {
  const began = performance.now()
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(bytes))
    socket.on('data', (d) => chunks.push(d))
    socket.on('error', () => {})
    socket.on('close', () => resolve({ data: Buffer.concat(chunks), closedAfterMs: performance.now() - began }))
  })
}

t.test('the defaults: a connection idles longer than any fault may hold it', async (t) => {
  t.ok(DEFAULT_LIMITS.idleTimeoutMs > MAX_FAULT_MS, 'hang and delay faults run to their cap')
  t.ok(DEFAULT_LIMITS.headersTimeoutMs <= DEFAULT_LIMITS.requestTimeoutMs, 'Node requires headers ≤ request timeout')
  const { app } = await listening(t)
  t.equal(app.server.timeout, DEFAULT_LIMITS.idleTimeoutMs)
  t.equal(app.server.requestTimeout, DEFAULT_LIMITS.requestTimeoutMs)
  t.equal(app.server.headersTimeout, DEFAULT_LIMITS.headersTimeoutMs)
  t.equal(app.server.keepAliveTimeout, DEFAULT_LIMITS.keepAliveTimeoutMs)
  t.equal((app.server as typeof app.server & { maxHeaderSize?: number }).maxHeaderSize, DEFAULT_LIMITS.maxHeaderBytes)
})

t.test('headers that never finish: a catalogue 408, then the connection closes', async (t) => {
  const { port } = await listening(t, {}, { limits: SHORT })
  const { data, closedAfterMs } = await watch(port, 'GET /_emulator/health HTTP/1.1\r\nHost: x\r\nX-Slow: ')
  const [res] = parseResponses(data).responses
  t.equal(res?.status, 408)
  t.same(JSON.parse(res.body.toString()), { error_code: 'APIGW.0201', error_msg: 'Request timeout.', request_id: res.headers['x-request-id'] })
  t.ok(closedAfterMs < 3000, `closed after ${closedAfterMs.toFixed(0)} ms`)
})

t.test('a body that never finishes: a catalogue 408, nothing stored', async (t) => {
  const { app, port } = await listening(t, { fixtures: false }, { limits: SHORT })
  const { data } = await watch(port, 'POST /_emulator/transactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"project_id":')
  const [res] = parseResponses(data).responses
  t.equal(res?.status, 408)
  t.equal(JSON.parse(res.body.toString()).error_code, 'APIGW.0201')
  t.equal((await app.inject({ url: '/_emulator/health' })).json().transactions, 0)
})

t.test('an idle keep-alive connection is closed quietly after the keep-alive timeout', async (t) => {
  const { port } = await listening(t, {}, { limits: SHORT })
  const { data, closedAfterMs } = await watch(port, 'GET /_emulator/health HTTP/1.1\r\nHost: x\r\n\r\n')
  const { responses, rest } = parseResponses(data)
  t.same(responses.map((r) => r.status), [200], 'the one answer, nothing after it')
  t.equal(rest.length, 0)
  t.ok(closedAfterMs >= 250 && closedAfterMs < 3000, `closed after ${closedAfterMs.toFixed(0)} ms`)
})

t.test('a hang fault outlives every server timeout until the client leaves', async (t) => {
  const { app, port } = await listening(t, {}, { limits: SHORT })
  await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { action: { kind: 'hang' }, times: 1 } })
  const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\n\r\n`))
  let closedByServer = false
  let received = 0
  socket.on('data', (d) => { received += d.length })
  socket.on('close', () => { closedByServer = true })
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.notOk(closedByServer, 'still open after 5× the longest shortened timeout')
  t.equal(received, 0, 'and nothing was sent')
  socket.destroy()
  await new Promise((resolve) => setTimeout(resolve, 100))
  const [entry] = (await app.inject({ url: '/_emulator/requests' })).json().requests
  t.match(entry, { status: 0, outcome: 'fault:hang' })
  t.ok(entry.duration_ms >= 1400, `journalled with the time it was held: ${entry.duration_ms} ms`)
})

t.test('the hang cap: the server lets go after MAX_FAULT_MS', async (t) => {
  // Five real minutes are too long for a test; the cap's own timer is shortened, and only it.
  const realSetTimeout = globalThis.setTimeout
  const patched = ((fn: () => void, ms?: number, ...rest: unknown[]) => realSetTimeout(fn, ms === MAX_FAULT_MS ? 200 : ms, ...rest)) as typeof setTimeout
  globalThis.setTimeout = Object.assign(patched, realSetTimeout)
  t.teardown(() => { globalThis.setTimeout = realSetTimeout })
  const { app, port } = await listening(t)
  await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { action: { kind: 'hang' }, times: 1 } })
  const { data, closedAfterMs } = await watch(port, `GET ${stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\n\r\n`)
  t.equal(data.length, 0, 'nothing sent')
  t.ok(closedAfterMs >= 150 && closedAfterMs < 2000, `closed by the server after ${closedAfterMs.toFixed(0)} ms`)
})
