import t from 'tap'
import { DOC_PROJECT, DOC_TRANSACTION } from '../helper.js'
import { launchChromium } from './chromium.js'
import { lookup, openPage, startEmulator } from './dashboard.js'

// Issue 21 item 1 in a real browser. Chromium's host resolver maps rebind.test to 127.0.0.1, as a
// rebinding DNS server would once the attacker's page has loaded: the page at
// http://rebind.test:PORT/ then calls the emulator same-origin, with no Origin header, only the
// Sec-Fetch-* metadata and its own Host. The attacker's document is whatever the emulator answers
// at / under that name (a page Playwright fulfilled would count as public, and Chromium's Private
// Network Access would block its calls to 127.0.0.1 before the emulator could refuse them).

t.test('a page under a rebound name cannot read the emulator; the dashboard on localhost still loads its data', async (t) => {
  const base = await startEmulator(t)
  const port = new URL(base).port
  const browser = await launchChromium(t, ['--host-resolver-rules=MAP rebind.test 127.0.0.1'])

  const attacker = await openPage(browser)
  const pageUrl = `http://rebind.test:${port}/`
  await attacker.goto(pageUrl)
  t.equal(await attacker.evaluate(() => location.origin), `http://rebind.test:${port}`, 'the page runs in the rebound origin')
  const reads = await attacker.evaluate(async (paths) => Promise.all(paths.map(async (path) => {
    const res = await fetch(path)
    return { status: res.status, body: await res.text(), requestId: res.headers.get('x-request-id') }
  })), ['/_emulator/state', '/_emulator/requests', `/_emulator/transactions/${DOC_PROJECT}/${DOC_TRANSACTION}`,
    `/v2/${DOC_PROJECT}/statistics/metrics/access-stages?transaction_id=${DOC_TRANSACTION}`])
  for (const { status, body, requestId } of reads) {
    t.equal(status, 403)
    t.same(JSON.parse(body), {
      error_code: 'APIGW.0302',
      error_msg: 'The emulator does not answer browser requests for host rebind.test; list the name in --allowed-hosts to allow it.',
      request_id: requestId
    }, 'the exact refusal, naming the host: no record reaches the page')
  }
  const stream = await attacker.evaluate(async () => (await fetch('/_emulator/requests/stream')).status)
  t.equal(stream, 403, 'nor the live stream')

  const dashboard = await openPage(browser)
  await dashboard.goto(`http://localhost:${port}/_emulator/ui`)
  await dashboard.locator('.live-live').waitFor()
  t.equal((await lookup(base, DOC_PROJECT, DOC_TRANSACTION)).status, 200)
  await dashboard.waitForFunction(() => [...document.querySelectorAll('table.journal tbody tr td')].some((td) => td.textContent === '200'), undefined, { timeout: 2000 })
  t.pass('the dashboard on localhost shows the live journal, its stream connected')
})

t.test('a name listed with --allowed-hosts is served to the browser', async (t) => {
  const base = await startEmulator(t, { allowedHosts: 'rebind.test' })
  const port = new URL(base).port
  const browser = await launchChromium(t, ['--host-resolver-rules=MAP rebind.test 127.0.0.1'])
  const page = await openPage(browser)
  await page.goto(`http://rebind.test:${port}/_emulator/ui`)
  await page.locator('.live-live').waitFor()
  t.equal(await page.evaluate(async () => (await fetch('/_emulator/state')).status), 200)
  const reset = await page.evaluate(async () => (await fetch('/_emulator/reset?project_id=none', { method: 'POST' })).status)
  t.equal(reset, 200, 'a same-origin write (which carries Origin) is the dashboard\'s own under a listed name')
})
