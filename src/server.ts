#!/usr/bin/env node
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { ConfigError, helpText, parseConfig } from './config.js'
import { FixtureError } from './store/fixtures.js'

async function main (argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText())
    return
  }
  const config = parseConfig(argv, process.env)
  const app = await buildApp(config)
  closeWithGrace({ delay: 10_000, logger: false }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'closing after an unexpected error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })
  await app.listen({ host: config.host, port: config.port })
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // Start-up problems are the user's to fix: one clear line, no stack.
  const known = err instanceof ConfigError || err instanceof FixtureError
  process.stderr.write(`wks-emulator: ${known ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`)
  process.exit(2)
})
