#!/usr/bin/env node
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { followPrimary, reportReady, reportStartFailure, workerConfig, workerSlot } from './cli/cluster/worker.js'
import { helpText, parseConfig } from './config/config.js'
import { listenQuietly, readyLine } from './runtime/lifecycle/ready-line.js'
import { startFailure } from './runtime/lifecycle/start-failure.js'
import { VERSION } from './runtime/version.js'

/** Beyond the grace, the time close itself may take (closing the database) before the process is called stuck. */
const CLOSE_MARGIN_MS = 5000

async function main (argv: string[]): Promise<void> {
  if (argv[0] === 'generate') {
    // Loaded only for the subcommand, so serving never pays for the generator and its progress bar.
    const { runGenerate } = await import('./cli/generate/cli.js')
    await runGenerate(argv.slice(1))
    return
  }
  if (argv[0] === 'export' || argv[0] === 'import') {
    const { runSnapshotCommand } = await import('./cli/snapshot.js')
    await runSnapshotCommand(argv[0], argv.slice(1))
    return
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText())
    return
  }
  if (argv.includes('--version')) {
    process.stdout.write(`${VERSION}\n`)
    return
  }
  const config = parseConfig(argv, process.env)
  const slot = workerSlot()
  if (config.workers > 1 && slot === undefined) {
    const { runPrimary } = await import('./cli/cluster/primary.js')
    process.exitCode = await runPrimary(config)
    return
  }
  const app = await buildApp(slot === undefined ? config : workerConfig(config, slot), { seedState: slot === undefined })
  let closing = false
  const graceMs = config.shutdownGrace * 1000
  const grace = closeWithGrace({
    delay: graceMs + CLOSE_MARGIN_MS,
    logger: false,
    // Only when closing itself is stuck: requests in flight were cut at the end of the grace already.
    onTimeout: (delay: number) => { app.log.fatal(`still closing ${delay} ms after the signal (the database or a plugin does not close); exiting with 1`) }
  }, async ({ err, signal }) => {
    closing = true
    if (err) app.log.error({ err }, 'closing after an unexpected error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })
  if (slot !== undefined) followPrimary(grace.close, () => closing)
  const urls = await listenQuietly(app, config.host, config.port)
  // With --workers the primary prints one ready line for all of them.
  // The ready line names a generated certificate, which clients must trust to connect.
  const certificateFile = app.tls?.certificateFile
  if (slot !== undefined) reportReady(urls, certificateFile)
  else if (config.logLevel !== 'silent') process.stdout.write(readyLine(urls, process.stdout.isTTY === true, { certificateFile }))
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const { line, exitCode } = startFailure(err)
  if (workerSlot() !== undefined) {
    reportStartFailure(line, () => process.exit(exitCode))
    return
  }
  process.stderr.write(`wks-emulator: ${line}\n`)
  process.exit(exitCode)
})
