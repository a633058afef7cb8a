import { writeFileSync } from 'node:fs'
import { buildApp } from '../app.js'
import { resolveConfig } from '../config/config.js'

/** The OpenAPI document as the code generates it, in the committed file's formatting. */
export async function renderOpenApi (): Promise<string> {
  const app = await buildApp(resolveConfig({ logLevel: 'silent', fixtures: false }))
  try {
    return JSON.stringify(app.swagger(), null, 2) + '\n'
  } finally {
    await app.close()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = new URL('../../openapi/openapi.json', import.meta.url)
  writeFileSync(target, await renderOpenApi())
  process.stdout.write(`wrote ${target.pathname}\n`)
}
