import t from 'tap'
import { DOC_PROJECT, DOC_TRANSACTION } from '../helper.js'
import { launchChromium } from './chromium.js'
import { control, lookup, openPage, screenshot, startEmulator } from './dashboard.js'

t.test('a fault rule created in the form makes the next request fail with it; counters are live', async (t) => {
  const base = await startEmulator(t)
  const browser = await launchChromium(t)
  const page = await openPage(browser)
  await page.goto(`${base}/_emulator/ui/faults`)
  await page.locator('.empty', { hasText: 'No fault rules' }).waitFor()

  // The API's validation message, next to the field it names; nothing is created.
  await page.fill('input[name=status]', '700')
  await page.click('button:has-text("Add rule")')
  t.equal(await page.locator('label.invalid .field-error').textContent(), 'Invalid request body: field action.status must be <= 599.')
  t.equal(await page.locator('label.invalid input').getAttribute('name'), 'status', 'shown at the status field')
  t.same(await (await control(base, 'GET', '/_emulator/faults')).json(), { faults: [] })

  await page.fill('input[name=project_id]', DOC_PROJECT)
  await page.fill('input[name=transaction_id]', DOC_TRANSACTION)
  await page.fill('input[name=status]', '503')
  await page.fill('input[name=error_code]', 'WKS.00000503')
  await page.fill('input[name=error_msg]', 'Injected from the dashboard.')
  await page.fill('input[name=times]', '2')
  await page.fill('input[name=id]', 'from-the-form')
  await page.click('button:has-text("Add rule")')
  await page.locator('tr[data-rule=from-the-form]').waitFor()

  const res = await lookup(base, DOC_PROJECT, DOC_TRANSACTION)
  t.equal(res.status, 503)
  t.same(await res.json(), { error_code: 'WKS.00000503', error_msg: 'Injected from the dashboard.' })
  await page.locator('tr[data-rule=from-the-form] td[data-counter=fired]', { hasText: '1' }).waitFor()
  t.equal(await page.locator('tr[data-rule=from-the-form] td[data-counter=matched]').textContent(), '1', 'matched, live')
  await lookup(base, DOC_PROJECT, DOC_TRANSACTION)
  await page.locator('tr[data-rule=from-the-form] td:nth-child(8)', { hasText: 'yes' }).waitFor()
  t.equal((await lookup(base, DOC_PROJECT, DOC_TRANSACTION)).status, 200, 'spent after times: 2')
  await page.evaluate(() => window.scrollTo(0, 0))
  await screenshot(page, 'faults')

  await page.click('button[aria-label="Delete rule from-the-form"]')
  await page.locator('.empty', { hasText: 'No fault rules' }).waitFor()
  t.same(await (await control(base, 'GET', '/_emulator/faults')).json(), { faults: [] }, 'deleted')
})

t.test('reset project asks for confirmation, then restores the start state', async (t) => {
  const base = await startEmulator(t)
  t.equal((await control(base, 'DELETE', `/_emulator/transactions/${DOC_PROJECT}/${DOC_TRANSACTION}`)).status, 204)
  const browser = await launchChromium(t)
  const page = await openPage(browser)
  await page.goto(`${base}/_emulator/ui/faults`)
  await page.fill('input[name=reset_project]', DOC_PROJECT)
  await page.click('button:has-text("Reset project…")')
  await page.locator('[role=alertdialog]').waitFor()
  await page.click('button:has-text("Cancel")')
  t.equal((await control(base, 'GET', `/_emulator/transactions/${DOC_PROJECT}/${DOC_TRANSACTION}`)).status, 404, 'cancel changes nothing')
  await page.click('button:has-text("Reset project…")')
  await page.click('button:has-text("Yes, reset")')
  await page.locator('.ok', { hasText: 'back to its start state: 8 records' }).waitFor()
  t.equal((await control(base, 'GET', `/_emulator/transactions/${DOC_PROJECT}/${DOC_TRANSACTION}`)).status, 200, 'the fixture is back')
})

t.test('with --admin-token the UI shows the token prompt and nothing else until given', async (t) => {
  const base = await startEmulator(t, { adminToken: 'dash-secret' })
  const browser = await launchChromium(t)
  const page = await openPage(browser)
  const calls: Array<{ url: string, authorization?: string }> = []
  page.on('request', (r) => { if (r.url().includes('/_emulator/') && !r.url().includes('/_emulator/ui')) calls.push({ url: r.url(), authorization: r.headers().authorization }) })
  await page.goto(`${base}/_emulator/ui/faults`)
  await page.locator('#admin-token').waitFor()
  t.equal(await page.locator('nav, table, .status, svg').count(), 0, 'no navigation, table, status or chart')
  t.same(await page.locator('body').innerText().then((s) => s.split('\n').filter(Boolean)), [
    'wks-emulator',
    'This emulator\'s control plane needs its admin token (--admin-token).',
    'Admin token',
    'Open dashboard',
    'Kept in this tab only and sent as an Authorization: Bearer header.'
  ])
  await screenshot(page, 'token-prompt')

  await page.fill('#admin-token', 'wrong')
  await page.click('button:has-text("Open dashboard")')
  await page.locator('#token-error').waitFor()
  t.equal(await page.locator('nav').count(), 0, 'still nothing behind a wrong token')

  await page.fill('#admin-token', 'dash-secret')
  await page.click('button:has-text("Open dashboard")')
  await page.locator('h2#faults-h').waitFor()
  await page.locator('.status dd[data-status=transactions]').waitFor()
  t.equal(await page.locator('.status dd[data-status=transactions]').textContent(), '13')
  t.notOk(page.url().includes('dash-secret'), 'never in the URL')
  t.same(await page.context().cookies(), [], 'never in a cookie')
  t.ok(calls.some((c) => c.authorization === 'Bearer dash-secret'), 'sent as a bearer header')
  t.notOk(calls.some((c) => c.url.includes('dash-secret')), 'never in a request URL')

  // The live stream is read with fetch, so it carries the header too.
  await page.goto(`${base}/_emulator/ui`)
  await page.locator('.live-live').waitFor()
  await lookup(base, DOC_PROJECT, DOC_TRANSACTION)
  await page.locator('table.journal tbody tr').first().waitFor({ timeout: 1000 })
})
