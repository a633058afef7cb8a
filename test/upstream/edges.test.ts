import t from 'tap'
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http'
import { createServer, type Socket } from 'node:net'
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib'
import type { Test } from 'tap'
import { PROJECT, UPSTREAM_BODY, lookup, startFront } from './two-emulators.js'

/** An upstream that writes a raw status line: Node's own server refuses codes outside 100–999. */
async function rawUpstream (t: Test, statusLine: string): Promise<string> {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.once('data', () => socket.end(`${statusLine}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const s of sockets) s.destroy(); server.close() })
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`
}

/** An upstream answering every call with `body` under `Content-Encoding: coding`; it remembers the request headers. */
async function encodingUpstream (t: Test, coding: string, body: Buffer): Promise<{ url: string, seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = []
  const server = createHttpServer((req, res) => {
    seen.push(req.headers)
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding, 'x-request-id': 'c0ffee00c0ffee00c0ffee00c0ffee00' })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.closeAllConnections(); server.close() })
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen }
}

for (const status of ['999', '600', '099']) {
  t.test(`an upstream status line ${status}: the catalogue's 502 naming it, the journal says error`, async (t) => {
    const url = await rawUpstream(t, `HTTP/1.1 ${status} Odd`)
    const front = await startFront(t, url, { record: true })
    const res = await lookup(front.url, PROJECT, 'tx-odd')
    t.equal(res.status, 502)
    const id = res.headers.get('x-request-id')
    t.same(await res.json(), { error_code: 'APIGW.0202', error_msg: `Backend unavailable: upstream ${url} failed (status ${Number(status)}, not an HTTP status).`, request_id: id })
    t.match(await front.requests(), [{ status: 502, outcome: 'error', request_id: id }])
    t.equal((await front.admin.listTransactions()).total, 0, 'nothing recorded')
    t.match(await (await fetch(`${front.url}/_emulator/metrics`)).text(), /wks_emulator_upstream_requests_total\{result="bad_answer"\} 1/)
  })
}

const CODED: Array<[string, Buffer]> = [
  ['gzip', gzipSync(UPSTREAM_BODY)],
  ['x-gzip', gzipSync(UPSTREAM_BODY)],
  ['deflate', deflateSync(UPSTREAM_BODY)],
  ['deflate', deflateRawSync(UPSTREAM_BODY)],
  ['br', brotliCompressSync(UPSTREAM_BODY)],
  ['gzip, br', brotliCompressSync(gzipSync(UPSTREAM_BODY))]
]
for (const [coding, body] of CODED) {
  t.test(`an upstream answering Content-Encoding: ${coding} (${body[0] === 0x1f ? 'gzip' : 'other'} bytes): decoded, returned, recorded, no drift`, async (t) => {
    const upstream = await encodingUpstream(t, coding, body)
    const front = await startFront(t, upstream.url, { record: true })
    const res = await lookup(front.url, PROJECT, 'tx-coded')
    t.equal(res.status, 200)
    t.equal(res.headers.get('content-encoding'), null, 'the client gets no coding it did not ask for')
    t.equal(await res.text(), UPSTREAM_BODY, 'the decoded body')
    t.equal(upstream.seen[0]['accept-encoding'], 'identity', 'the emulator asks for no coding')
    t.same(await (await fetch(`${front.url}/_emulator/drift`)).json(), { kinds: [], total: 0, dropped: 0 }, 'the decoded body is what is checked')
    const local = await lookup(front.url, PROJECT, 'tx-coded')
    t.equal(local.headers.get('x-emulator-request-id'), null, 'recorded: served locally')
    t.equal(await local.text(), UPSTREAM_BODY, 'the decoded body was recorded')
  })
}

for (const [coding, body, detail] of [
  ['zstd', Buffer.from(UPSTREAM_BODY), 'Content-Encoding "zstd", not one it can decode'],
  ['gzip', Buffer.from(UPSTREAM_BODY), 'a gzip body that does not decode'],
  ['gzip', gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), 'answer larger than 1048576 bytes once decoded']
] as const) {
  t.test(`Content-Encoding: ${coding} that cannot be served (${detail}): 502 naming it, nothing recorded`, async (t) => {
    const upstream = await encodingUpstream(t, coding, body)
    const front = await startFront(t, upstream.url, { record: true })
    const res = await lookup(front.url, PROJECT, 'tx-coded')
    t.equal(res.status, 502)
    t.same(await res.json(), { error_code: 'APIGW.0202', error_msg: `Backend unavailable: upstream ${upstream.url} failed (${detail}).`, request_id: res.headers.get('x-request-id') })
    t.equal((await front.admin.listTransactions()).total, 0)
    t.same(await (await fetch(`${front.url}/_emulator/drift`)).json(), { kinds: [], total: 0, dropped: 0 }, 'no binary drift entry')
  })
}
