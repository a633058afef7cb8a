import t, { type Test } from 'tap'
import { request } from 'node:http'
import { CONTROL_BODY_LIMIT } from '../../src/control/index.js'
import { MAX_UPSERT_RECORDS } from '../../src/schemas/control.js'
import { MAX_FAULT_RULES } from '../../src/api/faults/store.js'
import { DEFAULT_LIMITS } from '../../src/runtime/limits.js'
import { rawExchange } from '../net/raw-http.js'
import { assertError, build, DOC_PROJECT, DOC_TRANSACTION, listening, stagesUrl, TOKEN } from '../helper.js'

const gatewayBody = (t: Test, res: { body: Buffer, headers: Record<string, string> }, msg: string) =>
  t.same(JSON.parse(res.body.toString()), { error_code: 'APIGW.0201', error_msg: msg, request_id: res.headers['x-request-id'] })

t.test('control body limit: a declared oversize body is refused before it is read', async (t) => {
  const { port } = await listening(t)
  const ex = await rawExchange(port, `POST /_emulator/transactions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${CONTROL_BODY_LIMIT + 1}\r\n\r\n{`, { end: false })
  t.equal(ex.responses[0]?.status, 413)
  gatewayBody(t, ex.responses[0], 'Request entity too large.')
})

t.test('control body limit: a chunked body is cut off once it passes the limit', async (t) => {
  const { app, url } = await listening(t, { fixtures: false })
  const chunk = Buffer.alloc(256 * 1024, 'x')
  const send = (): Promise<{ status: number, body: string }> => new Promise((resolve, reject) => {
    const req = request(`${url}/_emulator/transactions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = ''
      res.on('data', (d) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode!, body: text }))
    })
    req.on('error', reject)
    req.write('{"project_id":"p","transaction_id":"t","username":"')
    let sent = 0
    const pump = (): void => {
      // Keep sending well past the limit; the server answers as soon as it is crossed.
      while (sent < CONTROL_BODY_LIMIT * 2 && req.write(chunk)) sent += chunk.length
      if (sent < CONTROL_BODY_LIMIT * 2) req.once('drain', () => { sent += chunk.length; pump() })
      else req.end('"}')
    }
    pump()
  })
  // The server closes the connection once it has answered; a client still writing may see EPIPE
  // before it has read the answer (a race of the two sockets, not of the server), so it tries again.
  let answer: { status: number, body: string } | undefined
  for (let attempt = 1; answer === undefined; attempt++) {
    try {
      answer = await send()
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (attempt === 5 || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw err
    }
  }
  const { status, body } = answer
  t.equal(status, 413)
  t.equal(JSON.parse(body).error_code, 'APIGW.0201')
  t.equal((await app.inject({ url: '/_emulator/health' })).json().transactions, 0, 'nothing stored')
})

t.test(`records per upsert: ${MAX_UPSERT_RECORDS} are stored, one more is a 400 and nothing is stored`, async (t) => {
  const app = await build(t, { fixtures: false })
  const records = (n: number) => Array.from({ length: n }, (_, i) => ({ project_id: 'bulk', transaction_id: `t-${i}` }))
  const over = await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { transactions: records(MAX_UPSERT_RECORDS + 1) } })
  assertError(t, over, 400, 'WKS.0001', `Invalid request body: field transactions must have at most ${MAX_UPSERT_RECORDS} items.`)
  t.equal((await app.inject({ url: '/_emulator/health' })).json().transactions, 0)
  const full = await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { transactions: records(MAX_UPSERT_RECORDS) } })
  t.same(full.json(), { count: MAX_UPSERT_RECORDS })
})

t.test(`header size: up to ${DEFAULT_LIMITS.maxHeaderBytes} bytes; past it a catalogue 431`, async (t) => {
  const { port } = await listening(t)
  const head = (size: number) => `GET /_emulator/health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(size)}\r\nConnection: close\r\n\r\n`
  const fits = await rawExchange(port, head(DEFAULT_LIMITS.maxHeaderBytes - 200), { end: false })
  t.equal(fits.responses[0]?.status, 200)
  const over = await rawExchange(port, head(DEFAULT_LIMITS.maxHeaderBytes + 1), { end: false })
  t.equal(over.responses[0]?.status, 431)
  gatewayBody(t, over.responses[0], 'API request error.')
})

t.test('journal size cap: the newest --journal-size entries are kept; 0 keeps none', async (t) => {
  const app = await build(t, { journalSize: 5 })
  for (let i = 0; i < 12; i++) await app.inject({ url: stagesUrl(DOC_PROJECT, `?transaction_id=${i < 11 ? 'missing-' + i : DOC_TRANSACTION}`), headers: TOKEN })
  const { requests } = (await app.inject({ url: '/_emulator/requests' })).json()
  t.equal(requests.length, 5)
  t.same(requests.map((e: { transaction_id: string }) => e.transaction_id), ['missing-7', 'missing-8', 'missing-9', 'missing-10', DOC_TRANSACTION])
  const none = await build(t, { journalSize: 0 })
  await none.inject({ url: stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`), headers: TOKEN })
  t.same((await none.inject({ url: '/_emulator/requests/count' })).json(), { count: 0 })
})

t.test(`fault rule cap: ${MAX_FAULT_RULES} rules; one more is a 400 and changes nothing`, async (t) => {
  const app = await build(t)
  for (let i = 0; i < MAX_FAULT_RULES; i++) {
    const res = await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { id: `r${i}`, match: { transaction_id: `tx-${i}` }, action: { status: 500 } } })
    if (res.statusCode !== 201) t.fail(`rule ${i}: ${res.statusCode}`)
  }
  const before = (await app.inject({ url: '/_emulator/faults' })).body
  const over = await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { id: 'one-more', action: { status: 500 } } })
  assertError(t, over, 400, 'WKS.0001', `Invalid request body: at most ${MAX_FAULT_RULES} fault rules may exist; delete some first.`)
  t.equal((await app.inject({ url: '/_emulator/faults' })).body, before, 'nothing stored')
  const replace = await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { id: 'r0', action: { status: 503 } } })
  t.equal(replace.statusCode, 201, 'replacing an existing rule is still allowed at the cap')
})

t.test('fault timings are capped at MAX_FAULT_MS, in rules and in Prefer', async (t) => {
  const app = await build(t)
  const tooLong = await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { action: { kind: 'delay', delay_ms: 300_001 } } })
  assertError(t, tooLong, 400, 'WKS.0001', 'Invalid request body: field action.delay_ms must be <= 300000.')
  const { preferFault } = await import('../../src/api/faults/select.js')
  t.equal(preferFault('delay=999999999')?.waitMs, 300_000)
})

t.test('list sizes: at most 1000 records a page', async (t) => {
  const app = await build(t)
  assertError(t, await app.inject({ url: '/_emulator/transactions?limit=1001' }), 400, 'WKS.0001', 'Invalid parameter limit: must be <= 1000.')
  t.equal((await app.inject({ url: `/_emulator/transactions/${DOC_PROJECT}/${DOC_TRANSACTION}` })).statusCode, 200)
})
