import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import type { Config } from '../../src/config/config.js'
import { build, stagesUrl, TOKEN } from '../helper.js'
import { launchChromium } from './chromium.js'

/**
 * Where the browser tests save their screenshots: a git-ignored folder, or the committed
 * docs/screenshots/ when `npm run screenshots` sets SCREENSHOT_DIR.
 */
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? '.screenshots'

/** Starts the emulator on 127.0.0.1 (a free port) for one test; returns its base URL. */
export async function startEmulator (t: Test, overrides: Partial<Config> = {}): Promise<string> {
  const app = await build(t, overrides)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return `http://127.0.0.1:${address.port}`
}

/** A page of the given size; every page of a test closes with its browser. */
export async function openPage (browser: Browser, width = 1280, height = 800): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } })
  page.setDefaultTimeout(5000)
  return page
}

/** A default emulator and its dashboard open in Chromium on the live journal, its stream connected. */
export async function openLiveJournal (t: Test): Promise<{ base: string, page: Page }> {
  const base = await startEmulator(t)
  const page = await openPage(await launchChromium(t))
  await page.goto(`${base}/_emulator/ui`)
  await page.locator('.live-live').waitFor()
  return { base, page }
}

export async function screenshot (page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) })
}

/** One request to the emulated API, as a client would send it. */
export async function lookup (base: string, projectId: string, transactionId: string): Promise<Response> {
  return fetch(base + stagesUrl(projectId, `?transaction_id=${encodeURIComponent(transactionId)}`), { headers: TOKEN })
}

/** A control-plane call with a JSON body. */
export async function control (base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base + path, { method, headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
}
