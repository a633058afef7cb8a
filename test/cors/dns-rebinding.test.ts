import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http'
import t, { type Test } from 'tap'
import { parseConfig } from '../../src/config/config.js'
import { DOC_PROJECT, DOC_TRANSACTION, listening, REQUEST_ID, stagesUrl } from '../helper.js'

// Issue 21 item 1: a page on http://rebind.test:8080 whose name later resolves to 127.0.0.1 makes
// same-origin calls (no Origin, but Sec-Fetch-* metadata) under its own Host. A browser request
// must name localhost, an IP literal or a listed name; SDKs, curl and compose services send no
// browser metadata and are answered under any Host. Sent over a real socket, so the fast path
// (in front of Fastify) is crossed as well as Fastify's routes.

interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string }

function get (port: number, path: string, headers: OutgoingHttpHeaders, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      // The stream never ends on success: its head is all a test needs.
      if (res.headers['content-type']?.startsWith('text/event-stream') === true) {
        resolve({ status: res.statusCode!, headers: res.headers, body: '' })
        res.destroy()
        return
      }
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk }).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject).end()
  })
}

const REBIND = { host: 'rebind.test:8080', 'sec-fetch-site': 'same-origin' }
const refusedFor = (name: string) => `The emulator does not answer browser requests for host ${name}; list the name in --allowed-hosts to allow it.`
const API = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)
const TOKEN = { 'x-auth-token': 'any-token-works-in-relaxed-mode' }
const READS = ['/_emulator/state', '/_emulator/requests', `/_emulator/transactions/${DOC_PROJECT}/${DOC_TRANSACTION}`, '/_emulator/requests/stream', '/_emulator/ui/', API]

function assertRefused (t: Test, res: Answer, name: string, what: string): void {
  t.equal(res.status, 403, `${what}: 403`)
  const id = res.headers['x-request-id']
  t.match(id, REQUEST_ID)
  t.same(JSON.parse(res.body), { error_code: 'APIGW.0302', error_msg: refusedFor(name), request_id: id }, `${what}: the exact body`)
}

for (const fastPath of [true, false]) {
  t.test(`the curl of the issue, and every read it named, are refused under a foreign Host (fast path ${fastPath ? 'on' : 'off'})`, async (t) => {
    const { port } = await listening(t, { fastPath })
    for (const path of READS) assertRefused(t, await get(port, path, { ...REBIND, ...TOKEN }), 'rebind.test', path)
    // Any Sec-Fetch-* header, or Origin alone, marks a browser; a write is refused the same way.
    assertRefused(t, await get(port, API, { host: 'rebind.test', 'sec-fetch-mode': 'cors', ...TOKEN }), 'rebind.test', 'Sec-Fetch-Mode alone')
    assertRefused(t, await get(port, API, { host: 'REBIND.test.:80', origin: 'http://rebind.test', ...TOKEN }), 'rebind.test', 'Origin alone, the name in another case, with a trailing dot')
    // What Chromium sends for a same-origin GET over http: no Origin, no Sec-Fetch-*.
    const chromium = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36'
    assertRefused(t, await get(port, '/_emulator/state', { host: 'rebind.test:8080', 'user-agent': chromium, referer: 'http://rebind.test:8080/', 'accept-language': 'en-US' }), 'rebind.test', 'Chromium over http')
    assertRefused(t, await get(port, '/_emulator/state', { host: 'rebind.test:8080', 'user-agent': chromium }), 'rebind.test', 'a browser\'s User-Agent alone')
    assertRefused(t, await get(port, '/_emulator/state', { host: 'rebind.test:8080', referer: 'http://rebind.test:8080/' }), 'rebind.test', 'a Referer alone')
    assertRefused(t, await get(port, '/_emulator/reset', { ...REBIND, origin: 'http://rebind.test:8080' }, 'POST'), 'rebind.test', 'a reset')
    assertRefused(t, await get(port, '/_emulator/state', { host: '127.0.0.2.nip.io:8080', 'sec-fetch-site': 'same-origin' }), '127.0.0.2.nip.io', 'a name that looks like an address')
    const journal = JSON.parse((await get(port, '/_emulator/requests', {})).body)
    t.same(journal.requests.map((r: { status: number, outcome: string }) => [r.status, r.outcome]), [[403, 'error'], [403, 'error'], [403, 'error']],
      'the API calls are journaled as refused, and nothing was answered')
    t.equal((await get(port, `/_emulator/transactions/${DOC_PROJECT}/${DOC_TRANSACTION}`, {})).status, 200, 'the reset was not done')
  })
}

t.test('localhost, IP literals and listed names pass; without browser metadata any Host passes', async (t) => {
  const { port } = await listening(t, { allowedHosts: 'emulator.lan,Wks-Emulator.', cors: 'http://app.test:5173' })
  const browser = { 'sec-fetch-site': 'same-origin', ...TOKEN }
  for (const host of ['localhost:8080', 'localhost', 'app.localhost:8080', '127.0.0.1:8080', '[::1]:8080', '10.0.0.5', 'emulator.lan:8080', 'wks-emulator', 'app.test:8080']) {
    for (const path of ['/_emulator/state', API]) t.equal((await get(port, path, { ...browser, host })).status, 200, `${host} ${path}`)
  }
  assertRefused(t, await get(port, API, { ...browser, host: 'other.lan:8080' }), 'other.lan', 'a name not listed')
  for (const host of ['rebind.test:8080', 'wks-emulator:8080', 'anything.example']) {
    for (const path of ['/_emulator/state', '/_emulator/requests', API]) t.equal((await get(port, path, { ...TOKEN, host })).status, 200, `no browser metadata: ${host} ${path}`)
    for (const ua of ['curl/8.5.0', 'python-requests/2.32.3', 'axios/1.7.2', 'huaweicloud-usdk-python/3.0', 'node']) {
      t.equal((await get(port, API, { ...TOKEN, host, 'user-agent': ua })).status, 200, `${ua} under ${host}`)
    }
  }
})

t.test('a compose service reaches the emulator by its service name without listing anything', async (t) => {
  const { port } = await listening(t)
  const res = await get(port, API, { ...TOKEN, host: 'wks-emulator:8080' })
  t.equal(res.status, 200)
  t.equal((await get(port, '/_emulator/state', { host: 'wks-emulator:8080' })).status, 200)
})

t.test('--allowed-hosts and WKS_EMULATOR_ALLOWED_HOSTS are parsed once; a bad entry stops start-up naming it', async (t) => {
  t.same([...parseConfig(['--allowed-hosts', 'Emulator.LAN., wks-emulator']).allowedHostNames!], ['emulator.lan', 'wks-emulator'])
  t.same([...parseConfig([], { WKS_EMULATOR_ALLOWED_HOSTS: 'a.test' }).allowedHostNames!], ['a.test'])
  t.same([...parseConfig(['--cors', 'http://app.test:5173,*', '--allowed-hosts', 'b.test']).allowedHostNames!].sort(), ['app.test', 'b.test'], '--cors names count as listed')
  t.equal(parseConfig([]).allowedHostNames, undefined)
  t.throws(() => parseConfig(['--allowed-hosts', 'emulator.lan:8080']), { message: 'invalid --allowed-hosts "emulator.lan:8080": "emulator.lan:8080" is not a host name: write the name alone, without scheme or port, e.g. emulator.lan' })
  t.throws(() => parseConfig([], { WKS_EMULATOR_ALLOWED_HOSTS: 'http://x.test' }), { message: 'invalid WKS_EMULATOR_ALLOWED_HOSTS "http://x.test": "http://x.test" is not a host name: write the name alone, without scheme or port, e.g. emulator.lan' })
  t.throws(() => parseConfig(['--allowed-hosts', ' , ']), { message: 'invalid --allowed-hosts " , ": expected a comma list of host names' })
})
