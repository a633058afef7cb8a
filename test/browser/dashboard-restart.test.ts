import t from 'tap'
import { build } from '../helper.js'
import { launchChromium } from './chromium.js'
import { lookup, openPage } from './dashboard.js'

// Issue 21 item 14: a dashboard left open while the emulator restarts on the same port. The new
// journal's seqs begin again at 1; the page must show what is asked of the new emulator.
t.test('the live journal follows a restart on the same port: old rows go, new requests appear', async (t) => {
  const first = await build(t)
  await first.listen({ host: '127.0.0.1', port: 0 })
  const port = (first.server.address() as { port: number }).port
  const base = `http://127.0.0.1:${port}`
  for (const id of ['before-1', 'before-2', 'before-3']) await lookup(base, 'p', id)

  const page = await openPage(await launchChromium(t))
  await page.goto(`${base}/_emulator/ui`)
  await page.locator('.live-live').waitFor()
  await page.waitForFunction(() => document.querySelectorAll('table.journal tbody tr').length === 3)

  await first.close()
  const second = await build(t)
  await second.listen({ host: '127.0.0.1', port })
  // The page reconnects within its 1 s retry; the new emulator's first entry has seq 1.
  await page.locator('.live-live').waitFor({ timeout: 5000 })
  await lookup(base, 'p', 'after-restart')
  await page.waitForFunction(() => [...document.querySelectorAll('table.journal tbody tr')].some((tr) => tr.textContent?.includes('after-restart')), undefined, { timeout: 5000 })
  const rows = await page.locator('table.journal tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.seq))
  t.same(rows, ['1'], 'only the new journal\'s entry, seq 1: the old rows are gone, nothing skipped')
  t.equal(await page.locator('.live').textContent(), 'live')
})
