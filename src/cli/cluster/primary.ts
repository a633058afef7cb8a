import cluster, { type Worker } from 'node:cluster'
import { createAuthenticator } from '../../api/auth/authenticator.js'
import type { Config } from '../../config/schema.js'
import { createEmulatorState } from '../../api/state.js'
import { loadFaultRules } from '../../api/faults/load.js'
import { openDb } from '../../store/db.js'
import { claimDatabase } from '../../store/lock.js'
import { loadFixtures } from '../../store/fixtures.js'
import { readyLine } from '../../runtime/lifecycle/ready-line.js'
import { readTlsFiles, resolveTls } from '../../runtime/tls/material.js'
import { isReadyMessage, isStartFailedMessage, SHUTDOWN, WORKER_ENV } from './worker.js'

// More than MAX_CRASHES deaths within the window is not one unlucky request but a broken setup:
// replacing workers forever would only hide it.
const CRASH_WINDOW_MS = 10_000
const MAX_CRASHES = 5

const say = (line: string): void => { process.stderr.write(`wks-emulator: ${line}\n`) }

/**
 * Brings the shared database to the start state once, before any worker exists: migration, the
 * fixtures and the start-up fault rules. Inputs are checked here too, so a bad file or credential is
 * one line from one process rather than one per worker.
 */
export async function prepareDatabase (config: Config): Promise<void> {
  const fixtures = config.fixtures === false ? [] : loadFixtures(config.fixtures)
  const startupFaults = config.faults === undefined ? [] : loadFaultRules(config.faults)
  createAuthenticator(config)
  const tlsFiles = readTlsFiles(config)
  const db = openDb(config.db, { shared: true })
  try {
    createEmulatorState(db, config, fixtures, startupFaults)
    // The self-signed pair is made and its file written once, so every worker serves the same one.
    await resolveTls(config, db, tlsFiles)
  } finally {
    db.close()
  }
}

/**
 * `--workers N`: the primary prepares the database, forks N workers that serve the same port
 * (each accepting connections on the socket they share), replaces a worker that dies, and on SIGTERM/SIGINT
 * asks each to finish its requests and waits for them. It serves nothing itself.
 */
export async function runPrimary (config: Config): Promise<number> {
  // Held until the primary exits: no other emulator, single or cluster, starts on this file meanwhile.
  const claim = claimDatabase(config.db)
  try {
    await prepareDatabase(config)
    return await serve(config)
  } finally {
    claim.release()
  }
}

async function serve (config: Config): Promise<number> {
  // Workers accept connections themselves, on the listening socket they share, rather than
  // through the primary. Handed out by the primary, a connection reached a worker as a descriptor
  // over IPC; a worker out of descriptors could not receive it, its acknowledgement never came,
  // and the primary kept it and every later one: the cluster never answered again (measured:
  // 2,500 half-sent requests under ulimit -n 1024). Accepting itself, a worker refuses what it
  // cannot hold and recovers as a single process does.
  cluster.schedulingPolicy = cluster.SCHED_NONE
  const live = new Set<Worker>()
  const crashes: number[] = []
  let stopping = false
  let exitCode = 0
  let failureSaid = false
  const waitingFor = new Set<number>()
  for (let slot = 0; slot < config.workers; slot++) waitingFor.add(slot)

  return await new Promise<number>((resolve) => {
    const finishIfDone = (): void => { if (live.size === 0) resolve(exitCode) }
    const stopAll = (): void => {
      if (stopping) return
      stopping = true
      for (const worker of live) if (worker.isConnected()) worker.send(SHUTDOWN)
    }
    const fork = (slot: number): void => {
      const worker = cluster.fork({ [WORKER_ENV]: String(slot) })
      live.add(worker)
      let serving = false
      worker.once('listening', () => { serving = true })
      worker.on('message', (message: unknown) => {
        // Workers failing to start fail alike (the port is taken): one line for all of them.
        if (isStartFailedMessage(message)) {
          if (!failureSaid) say(message.line)
          failureSaid = true
          return
        }
        // One ready line, once every worker of the first start listens; replacements say nothing.
        if (!isReadyMessage(message) || !waitingFor.delete(slot) || waitingFor.size > 0 || stopping) return
        const workerPids = [...live].map((w) => w.process.pid!)
        if (config.logLevel !== 'silent') process.stdout.write(readyLine(message.urls, process.stdout.isTTY === true, { certificateFile: message.certificateFile, workerPids }))
      })
      worker.once('exit', (code, signal) => {
        live.delete(worker)
        if (stopping) { if (code !== 0 && exitCode === 0) exitCode = 1; finishIfDone(); return }
        // A worker that never served failed at start-up and has said why; the others would too.
        if (!serving) { exitCode ||= code || 1; stopAll(); finishIfDone(); return }
        const now = Date.now()
        crashes.push(now)
        while (crashes.length > 0 && crashes[0] < now - CRASH_WINDOW_MS) crashes.shift()
        if (crashes.length > MAX_CRASHES) {
          say(`workers keep dying (${crashes.length} in ${CRASH_WINDOW_MS / 1000} s); stopping`)
          exitCode = 1
          stopAll()
          finishIfDone()
          return
        }
        say(`worker ${slot} (pid ${worker.process.pid}) exited (${signal ?? `code ${code}`}); starting another`)
        fork(slot)
      })
    }
    process.once('SIGTERM', stopAll)
    process.once('SIGINT', stopAll)
    for (let slot = 0; slot < config.workers; slot++) fork(slot)
  })
}
