import t from 'tap'
import { DOC_PROJECT, DOC_TRANSACTION } from '../helper.js'
import { launchChromium } from './chromium.js'
import { control, lookup, openLiveJournal, openPage, screenshot, startEmulator } from './dashboard.js'

t.test('requests sent to the API appear in the live journal within 1 s, newest first', async (t) => {
  const { base, page } = await openLiveJournal(t)
  const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime)
  t.comment(`first contentful paint: ${paint?.toFixed(0)} ms`)

  const ids = ['3f0c2a7e-9b1d-4c5e-8f6a-2d4b6c8e0a11', 'missing-one', '8d2e4f60-1a3b-4c5d-9e7f-0a1b2c3d4e5f']
  const statuses = []
  for (const id of ids) statuses.push((await lookup(base, DOC_PROJECT, id)).status)
  t.same(statuses, [200, 400, 200])
  // Within 1 s of the last answer, all three rows are on screen (waitForFunction fails past it).
  const answered = Date.now()
  await page.waitForFunction((n) => document.querySelectorAll('table.journal tbody tr').length >= n, ids.length, { timeout: 1000 })
  t.comment(`rows on screen ${Date.now() - answered} ms after the last answer`)

  const rows = await page.locator('table.journal tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.getAttribute('title') ?? td.textContent)))
  t.same(rows.map((r) => [r[1], r[2], r[3], r[4], r[5], r[6]]), [
    ['GET', DOC_PROJECT, ids[2], '200', 'ok', 'token: token'],
    ['GET', DOC_PROJECT, ids[1], '400', 'error', 'token: token'],
    ['GET', DOC_PROJECT, ids[0], '200', 'ok', 'token: token']
  ], 'newest first: method, project, transaction, status, outcome, auth principal')
  t.match(rows[0][7], /^\d+(\.\d+)? ms$/, 'duration in ms')

  // A filter applies to what is listed and to what streams in.
  await page.fill('input[name=status]', '400')
  await page.press('input[name=status]', 'Enter')
  await page.waitForFunction(() => document.querySelectorAll('table.journal tbody tr').length === 1)
  await lookup(base, DOC_PROJECT, 'missing-two')
  await lookup(base, DOC_PROJECT, DOC_TRANSACTION)
  await page.waitForFunction(() => document.querySelectorAll('table.journal tbody tr').length === 2, undefined, { timeout: 1000 })
  t.same(await page.locator('table.journal tbody tr td:nth-child(5)').allTextContents(), ['400', '400'], 'only status 400 rows')

  // Paused, new rows are held back and counted; resumed, they are shown.
  await page.click('button:has-text("Pause")')
  await lookup(base, DOC_PROJECT, 'missing-three')
  await page.locator('.live-paused', { hasText: '1 new' }).waitFor()
  t.equal(await page.locator('table.journal tbody tr').count(), 2, 'nothing added while paused')
  await page.click('button:has-text("Resume")')
  await page.waitForFunction(() => document.querySelectorAll('table.journal tbody tr').length === 3)
  t.equal(await page.locator('.live').textContent(), 'live', 'resumed: the held row is shown')

  // Keyboard: arrows move between rows, Enter opens the row's transaction.
  await page.fill('input[name=status]', '')
  await page.press('input[name=status]', 'Enter')
  await page.waitForFunction(() => document.querySelectorAll('table.journal tbody tr').length === 6)
  await page.locator('table.journal tbody tr').first().focus()
  await page.keyboard.press('ArrowDown')
  t.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.seq), '5', 'ArrowDown: the second row (seq 5) has focus')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Enter')
  await page.waitForURL(`${base}/_emulator/ui/transactions/${DOC_PROJECT}/missing-two`)
  await page.locator('.error').waitFor()
})

t.test('clicking a row opens its transaction; the dashboard fits a narrow window', async (t) => {
  const base = await startEmulator(t)
  const browser = await launchChromium(t)
  const page = await openPage(browser, 390, 800)
  await page.goto(`${base}/_emulator/ui`)
  await page.locator('.live-live').waitFor()
  await lookup(base, DOC_PROJECT, DOC_TRANSACTION)
  await page.locator('table.journal tbody tr').first().waitFor()
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling of the page at 390 px')
  await screenshot(page, 'journal-narrow')
  await page.locator('table.journal tbody tr').first().click()
  await page.waitForURL(`${base}/_emulator/ui/transactions/${DOC_PROJECT}/${DOC_TRANSACTION}`)
  await page.locator('svg g.bar').first().waitFor()
  t.equal(await page.locator('svg g.bar').count(), 1, 'the documented example has one stage')
  t.equal(await page.locator('.waterfall figcaption strong').textContent(), 'Total login time 0 ms')
})

t.test('a busier journal: faults, refusals and errors side by side', async (t) => {
  const { base, page } = await openLiveJournal(t)
  t.equal((await control(base, 'POST', '/_emulator/faults', { id: 'flaky-connect', match: { transaction_id: 'c7a1e9d2-5b3f-4e8a-a6c4-9f2d1b0e7c33' }, action: { status: 503 }, times: 2 })).status, 201)
  t.equal((await control(base, 'PUT', '/_emulator/rate-limits', { api: { limit: 1000, window: '1 second' } })).status, 200)
  t.equal((await control(base, 'PUT', '/_emulator/rate-limits?project_id=0c9e2b8f71d34a6e9b5f4d3c2a1e0f9d', { user: { limit: 100, window: '1 minute' } })).status, 200)
  const url = (project: string, id: string) => `${base}/v2/${project}/statistics/metrics/access-stages?transaction_id=${id}`
  const sends: Array<[string, string, Record<string, string>]> = [
    [DOC_PROJECT, DOC_TRANSACTION, { 'x-auth-token': 't' }],
    [DOC_PROJECT, 'c7a1e9d2-5b3f-4e8a-a6c4-9f2d1b0e7c33', { 'x-auth-token': 't' }],
    [DOC_PROJECT, 'c7a1e9d2-5b3f-4e8a-a6c4-9f2d1b0e7c33', { 'x-auth-token': 't' }],
    [DOC_PROJECT, 'c7a1e9d2-5b3f-4e8a-a6c4-9f2d1b0e7c33', { 'x-auth-token': 't' }],
    ['0c9e2b8f71d34a6e9b5f4d3c2a1e0f9d', 'tx-0002', { authorization: 'SDK-HMAC-SHA256 Access=MYTESTAK, SignedHeaders=host;x-sdk-date, Signature=00', 'x-sdk-date': '20261129T120000Z' }],
    ['0c9e2b8f71d34a6e9b5f4d3c2a1e0f9d', 'tx-0003', {}],
    [DOC_PROJECT, 'no-such-login', { 'x-auth-token': 't' }],
    [DOC_PROJECT, 'e19b6d4a-2c7f-4a0e-b3d8-5f6a7b8c9d01', { 'x-auth-token': 't', prefer: 'delay=120' }],
    [DOC_PROJECT, '0b9e8d7c-6a5f-4e3d-9c2b-1a0f9e8d7c55', { 'x-auth-token': 't', prefer: 'code=500' }],
    ['0c9e2b8f71d34a6e9b5f4d3c2a1e0f9d', 'tx-0001', { 'x-auth-token': 't' }]
  ]
  for (const [project, id, headers] of sends) await fetch(url(project, id), { headers })
  await page.waitForFunction((n) => document.querySelectorAll('table.journal tbody tr').length === n, sends.length, { timeout: 1000 })
  t.same(await page.locator('table.journal tbody tr td:nth-child(6)').allTextContents(),
    ['ok', 'fault:error', 'fault:delay', 'error', 'auth_failed', 'ok', 'ok', 'fault:error', 'fault:error', 'ok'])
  // The arrival highlight fades before the picture is taken; meanwhile the status strip reads the metrics.
  await page.waitForTimeout(2500)
  await page.waitForFunction(() => document.querySelector('.status dd[data-status=errors]')?.textContent !== '…', undefined, { timeout: 5000 })
  t.match(await page.locator('.status dd[data-status=rate]').textContent(), /^\d+\.\d$/, 'req/s from the metrics')
  t.match(await page.locator('.status dd[data-status=errors]').textContent(), /^\d+\.\d %$/, 'error rate from the metrics')
  t.equal(await page.locator('.status dd[data-status=faults]').textContent(), '1', 'fault rules')
  t.equal(await page.locator('.status dd[data-status=throttling]').textContent(), 'api 1000/second; 1 project with their own', 'global throttling policies, and the projects with their own')
  await screenshot(page, 'journal')
})
