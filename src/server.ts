#!/usr/bin/env node
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { followPrimary, workerConfig, workerSlot } from './cluster/worker.js'
import { ConfigError, helpText, parseConfig } from './config.js'
import { FixtureError } from './store/fixtures.js'

async function main (argv: string[]): Promise<void> {
  if (argv[0] === 'generate') {
    // Loaded only for the subcommand, so serving never pays for the generator and its progress bar.
    const { runGenerate } = await import('./generate/cli.js')
    runGenerate(argv.slice(1))
    return
  }
  if (argv[0] === 'export' || argv[0] === 'import') {
    const { runSnapshotCommand } = await import('./snapshot/cli.js')
    await runSnapshotCommand(argv[0], argv.slice(1))
    return
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText())
    return
  }
  const config = parseConfig(argv, process.env)
  const slot = workerSlot()
  if (config.workers > 1 && slot === undefined) {
    const { runPrimary } = await import('./cluster/primary.js')
    process.exitCode = await runPrimary(config)
    return
  }
  const app = await buildApp(slot === undefined ? config : workerConfig(config, slot), { seedState: slot === undefined })
  let closing = false
  const grace = closeWithGrace({ delay: 10_000, logger: false }, async ({ err, signal }) => {
    closing = true
    if (err) app.log.error({ err }, 'closing after an unexpected error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })
  if (slot !== undefined) followPrimary(grace.close, () => closing)
  const certificateFile = app.tls?.certificateFile
  await app.listen({
    host: config.host,
    port: config.port,
    // The ready line names the generated certificate, which clients must trust to connect.
    listenTextResolver: (address) => `Server listening at ${address}${certificateFile === undefined ? '' : ` (self-signed TLS certificate: ${certificateFile})`}`
  })
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // Start-up problems are the user's to fix: one clear line, no stack.
  const known = err instanceof ConfigError || err instanceof FixtureError
  process.stderr.write(`wks-emulator: ${known ? (err as Error).message : String((err as Error)?.stack ?? err)}\n`)
  process.exit(2)
})
