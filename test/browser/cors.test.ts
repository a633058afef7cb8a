import { createHash, X509Certificate } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/index.js'
import { DOC_BODY, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'
import { launchChromium } from './chromium.js'

// A web front-end as developers run one: a page served from its own local origin calls the
// emulator with fetch, in Debian's chromium. Nothing here is mocked: the browser runs the CORS
// protocol (preflights included) against the emulator it would meet in development.

const PAGE_HTML = '<!doctype html><title>front-end</title><h1>front-end</h1>'

/** The second origin: a server that serves one empty page, like a dev server on :5173. */
async function servePage (t: Test): Promise<{ origin: string }> {
  const server: Server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(PAGE_HTML) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  return { origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` }
}

async function emulatorFor (t: Test, options: EmulatorOptions): Promise<RunningEmulator> {
  const emulator = await startEmulator(options)
  t.teardown(() => emulator.close())
  return emulator
}

interface Outcome { status?: number, body?: string, requestId?: string | null, error?: string }

/** fetch() run inside the page: what the front-end's code would see. */
const pageFetch = (page: Page, url: string, init: { method?: string, headers?: Record<string, string>, body?: string, mode?: RequestMode } = {}): Promise<Outcome> =>
  page.evaluate(async ({ url, init }) => {
    try {
      const res = await fetch(url, init)
      return { status: res.status, body: init.mode === 'no-cors' ? undefined : await res.text(), requestId: res.headers.get('x-request-id') }
    } catch (err) {
      return { error: String(err) }
    }
  }, { url, init })

const SDK_HEADERS = { 'X-Auth-Token': 'browser-token', 'X-Project-Id': DOC_PROJECT, 'X-Sdk-Date': '20260101T000000Z' }
const DOC = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)
const RECORD = { project_id: 'browser-project', transaction_id: 'tx-from-page', stages: [] }

t.test('a page of a listed origin reads the documented example with custom headers, and may seed', async (t) => {
  const { origin } = await servePage(t)
  const emulator = await emulatorFor(t, { cors: origin })
  const browser = await launchChromium(t)
  const page = await browser.newPage()
  await page.goto(origin)

  const answer = await pageFetch(page, `${emulator.url}${DOC}`, { headers: SDK_HEADERS })
  t.equal(answer.body, DOC_BODY, 'custom headers, a preflight, and the documented example')
  t.match(answer.requestId, /^[0-9a-f]{32}$/, 'X-Request-Id is exposed to the page')
  const missing = await pageFetch(page, `${emulator.url}${stagesUrl(DOC_PROJECT, '?transaction_id=nope')}`, { headers: SDK_HEADERS })
  t.same(JSON.parse(missing.body!), { error_code: 'WKS.0001', error_msg: `Transaction nope not found in project ${DOC_PROJECT}.` }, 'errors are readable too')
  const entries = await emulator.requests()
  t.same(entries.map((e) => [e.method, e.status]), [['GET', 200], ['GET', 400]], 'the journal has the two calls and no preflight')

  // The control plane: only origins listed by name, and this page's is listed here (--cors names it).
  const stored = await pageFetch(page, `${emulator.url}/_emulator/transactions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(RECORD) })
  t.equal(stored.status, 201, 'a listed origin may seed')
})

t.test('with --cors *, a page reads the API but gets nothing from the control plane', async (t) => {
  const { origin } = await servePage(t)
  const emulator = await emulatorFor(t, { cors: '*' })
  const browser = await launchChromium(t)
  const page = await browser.newPage()
  await page.goto(origin)

  t.equal((await pageFetch(page, `${emulator.url}${DOC}`, { headers: SDK_HEADERS })).body, DOC_BODY)
  const seeded = await pageFetch(page, `${emulator.url}/_emulator/transactions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(RECORD) })
  t.match(seeded.error, /Failed to fetch/, 'the preflight is refused')
  const read = await pageFetch(page, `${emulator.url}/_emulator/requests`)
  t.match(read.error, /Failed to fetch/, 'the journal is not readable from the page')
  // A "simple" cross-site POST needs no preflight (a form could send it): the emulator itself refuses it.
  const reset = await pageFetch(page, `${emulator.url}/_emulator/reset`, { method: 'POST', mode: 'no-cors', body: 'x' })
  t.equal(reset.status, 0, 'an opaque answer')
  t.equal((await emulator.admin.listTransactions({ project_id: RECORD.project_id })).total, 0, 'nothing was seeded')
  t.equal((await emulator.requests()).length, 1, 'and nothing reset: the journal still has the lookup')
})

t.test('over https with --tls self-signed, the browser gets the same answer', async (t) => {
  const { origin } = await servePage(t)
  const emulator = await emulatorFor(t, { cors: origin, tls: 'self-signed' })
  // Trust exactly the emulator's key, rather than ignoring every certificate error.
  const spki = createHash('sha256').update(new X509Certificate(emulator.certificate!).publicKey.export({ type: 'spki', format: 'der' })).digest('base64')
  const browser = await launchChromium(t, [`--ignore-certificate-errors-spki-list=${spki}`])
  const page = await browser.newPage()
  await page.goto(origin)
  t.match(emulator.url, /^https:/)
  t.equal((await pageFetch(page, `${emulator.url}${DOC}`, { headers: SDK_HEADERS })).body, DOC_BODY)
})
