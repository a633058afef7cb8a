import t from 'tap'
import { launchChromium } from './chromium.js'

t.test('the system chromium starts headless and renders a page', async (t) => {
  const browser = await launchChromium(t)
  const page = await browser.newPage()
  await page.setContent('<h1>wks-emulator</h1>')
  t.equal(await page.textContent('h1'), 'wks-emulator')
})
