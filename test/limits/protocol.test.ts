import t from 'tap'
import { rawExchange } from '../net/raw-http.js'
import { listening } from '../helper.js'

// Requests Node used to answer on its own, with bare bodies outside the catalogue (found by the fuzzer).

const catalogue = (code: string, msg: string) => ({ error_code: code, error_msg: msg })

t.test('an HTTP/1.1 request without Host: a catalogue 400 (HTTP/1.0 may omit it)', async (t) => {
  const { port } = await listening(t)
  const ex = await rawExchange(port, 'GET /_emulator/health HTTP/1.1\r\nConnection: close\r\n\r\n', { end: false })
  const [res] = ex.responses
  t.equal(res.status, 400)
  t.same(JSON.parse(res.body.toString()), { ...catalogue('APIGW.0201', 'API request error.'), request_id: res.headers['x-request-id'] })
  const old = await rawExchange(port, 'GET /_emulator/health HTTP/1.0\r\n\r\n', { end: false })
  t.equal(old.responses[0].status, 200)
})

t.test('an Expect other than 100-continue: a catalogue 417; 100-continue still works', async (t) => {
  const { port } = await listening(t)
  const ex = await rawExchange(port, 'GET /_emulator/health HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nConnection: close\r\n\r\n', { end: false })
  const [res] = ex.responses
  t.equal(res.status, 417)
  t.same(JSON.parse(res.body.toString()), { ...catalogue('APIGW.0201', 'API request error.'), request_id: res.headers['x-request-id'] })
  const body = JSON.stringify({ project_id: 'p', transaction_id: 't' })
  const cont = await rawExchange(port, `POST /_emulator/transactions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, { end: false })
  t.equal(cont.responses[0].status, 201)
})

t.test('CONNECT: a catalogue 404 instead of a silently dropped connection', async (t) => {
  const { port } = await listening(t)
  const ex = await rawExchange(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', { end: false })
  t.ok(ex.closed, 'the server closes the connection')
  const [res] = ex.responses
  t.equal(res?.status, 404)
  t.same(JSON.parse(res.body.toString()), { ...catalogue('APIGW.0101', 'The API does not exist or has not been published in the environment.'), request_id: res.headers['x-request-id'] })
})
