import t from 'tap'
import { launchChromium } from './chromium.js'
import { control, openPage, screenshot, startEmulator } from './dashboard.js'

const PROJECT = 'waterfall-project'
const T0 = 1_767_600_000_000
// Start offsets and durations in ms; CONNECT fails, with its code and message.
const STAGES = [
  { stage: 'LOGIN', from: 0, duration: 800, ok: true },
  { stage: 'MAIN_AUTH', from: 850, duration: 400, ok: true },
  { stage: 'MFA_AUTH', from: 1300, duration: 2600, ok: true },
  { stage: 'PRECONNECT', from: 3950, duration: 1200, ok: true },
  { stage: 'CONNECT', from: 5200, duration: 3000, ok: false }
]
const RECORD = {
  project_id: PROJECT,
  transaction_id: 'login-42',
  username: 'alice',
  biz_type: 'DESKTOP',
  stages: STAGES.map((s) => ({
    stage: s.stage,
    duration: s.duration,
    is_success: s.ok,
    start_time: T0 + s.from,
    end_time: T0 + s.from + s.duration,
    error_code: s.ok ? 'WKS.00000000' : 'WKS.00190301',
    error_msg: s.ok ? 'OK' : 'Connection to the desktop timed out.'
  }))
}

t.test('a seeded transaction: one bar per stage, widths proportional to durations, failures marked', async (t) => {
  const base = await startEmulator(t)
  t.equal((await control(base, 'POST', '/_emulator/transactions', RECORD)).status, 201)
  const browser = await launchChromium(t)
  const page = await openPage(browser)
  // The deep link opens the waterfall directly.
  await page.goto(`${base}/_emulator/ui/transactions/${PROJECT}/login-42`)
  await page.locator('svg g.bar').first().waitFor()

  const bars = await page.locator('svg g.bar').evaluateAll((gs) => gs.map((g) => {
    const rect = g.querySelector('rect')!.getBoundingClientRect()
    return { stage: g.getAttribute('data-stage'), state: g.getAttribute('data-state'), x: rect.x, width: rect.width, title: g.querySelector('title')!.textContent }
  }))
  t.same(bars.map((b) => b.stage), STAGES.map((s) => s.stage), 'one bar per stage, in order')
  const scale = bars[4].width / STAGES[4].duration
  for (const [i, s] of STAGES.entries()) {
    t.ok(Math.abs(bars[i].width - s.duration * scale) <= 1, `${s.stage}: width ${bars[i].width.toFixed(1)} px for ${s.duration} ms (±1 px)`)
    t.ok(Math.abs(bars[i].x - bars[0].x - s.from * scale) <= 1, `${s.stage}: starts ${s.from} ms after the first stage (±1 px)`)
  }
  t.same(bars.map((b) => b.state), ['ok', 'ok', 'ok', 'ok', 'failed'], 'coloured by is_success')
  t.match(bars[4].title, /WKS\.00190301: Connection to the desktop timed out\./, 'the failure on hover')
  t.equal(await page.locator('svg .bar-failed .bar-mark').textContent(), '✕ WKS.00190301', 'the failure marked on the chart')
  t.same(await page.locator('.stage-table tr.row-failed td').allTextContents(), ['+5.20 s', '3.00 s', 'failed', 'WKS.00190301', 'Connection to the desktop timed out.'], 'and in text')
  t.equal(await page.locator('.waterfall figcaption strong').textContent(), 'Total login time 8.20 s')
  t.match(await page.locator('svg').getAttribute('aria-label'), 'Stage waterfall: 5 stages, 1 failed, total 8.20 s')
  await screenshot(page, 'waterfall')

  // The record as JSON: an invalid edit is refused with the schema's message next to the editor.
  const edited = { ...RECORD, stages: [{ ...RECORD.stages[0], duration: -5 }] }
  const { project_id: _p, transaction_id: _t, ...body } = edited
  await page.fill('#record-json', JSON.stringify(body, null, 2))
  await page.click('button:has-text("Save")')
  t.equal(await page.locator('#record-problem .field-error').textContent(), 'stages[0].durationInvalid request body: field stages[0].duration must be >= 0.')
  t.same((await (await control(base, 'GET', `/_emulator/transactions/${PROJECT}/login-42`)).json()), RECORD, 'nothing stored')
})

t.test('a stage without end_time is drawn as running; generated transactions have waterfalls too', async (t) => {
  const base = await startEmulator(t, { unknownTransaction: 'generate' })
  const running = { project_id: PROJECT, transaction_id: 'in-progress', stages: [RECORD.stages[0], { stage: 'CONNECT', start_time: T0 + 900 }] }
  t.equal((await control(base, 'POST', '/_emulator/transactions', running)).status, 201)
  const browser = await launchChromium(t)
  const page = await openPage(browser)
  await page.goto(`${base}/_emulator/ui/transactions/${PROJECT}/in-progress`)
  await page.locator('svg g.bar').first().waitFor()
  t.same(await page.locator('svg g.bar').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-state'))), ['ok', 'running'])
  t.equal(await page.locator('.waterfall figcaption strong').textContent(), 'Login still running')
  t.equal(await page.locator('.stage-table tbody tr:nth-child(2) td:nth-child(3)').textContent(), 'running')

  await page.goto(`${base}/_emulator/ui/transactions/${PROJECT}/generated-7`)
  await page.locator('svg g.bar').first().waitFor()
  const served = await (await fetch(`${base}/v2/${PROJECT}/statistics/metrics/access-stages?transaction_id=generated-7`, { headers: { 'x-auth-token': 't' } })).json()
  t.equal(await page.locator('svg g.bar').count(), served.stages.length, 'one bar per generated stage')
  await page.locator('.tag', { hasText: 'not stored' }).waitFor()
})

t.test('transactions: paged list with search and filters; a row opens its waterfall', async (t) => {
  const base = await startEmulator(t)
  const browser = await launchChromium(t)
  const page = await openPage(browser)
  await page.goto(`${base}/_emulator/ui/transactions`)
  await page.locator('table.grid tbody tr').first().waitFor()
  t.equal(await page.locator('.pager span').textContent(), '1–5 of 5', 'the first project of the fixtures')
  await page.selectOption('select[name=project_id]', 'a4a5d4098fb4474fa22cd05f897d6b99')
  await page.locator('.pager span', { hasText: 'of 8' }).waitFor()
  await page.selectOption('select[name=success]', 'false')
  await page.locator('.pager span', { hasText: 'of 3' }).waitFor()
  await page.fill('input[name=search]', 'USER00')
  await page.press('input[name=search]', 'Enter')
  await page.selectOption('select[name=biz_type]', 'VDI')
  await page.locator('.pager span', { hasText: '1–1 of 1' }).waitFor()
  t.equal(await page.locator('table.grid tbody tr td').nth(1).textContent(), 'user005')
  await screenshot(page, 'transactions')
  await page.locator('table.grid tbody tr').first().press('Enter')
  await page.waitForURL(/\/_emulator\/ui\/transactions\/a4a5d4098fb4474fa22cd05f897d6b99\/f2c8a0b4/)
  await page.locator('svg g.bar').first().waitFor()
  t.equal(await page.locator('svg g.bar').count(), 2)

  page.on('dialog', (dialog) => { dialog.accept().catch(() => {}) })
  await page.click('button:has-text("Delete")')
  await page.waitForURL(`${base}/_emulator/ui/transactions`)
  t.equal((await control(base, 'GET', '/_emulator/transactions/a4a5d4098fb4474fa22cd05f897d6b99/f2c8a0b4-6d1e-4f3a-8b5c-7e9d0a1b2c44')).status, 404, 'deleted')
})
