import type { Config } from '../../config/schema.js'

/** Set by the primary in each worker's environment: the worker's slot, 0 … N-1. */
export const WORKER_ENV = 'WKS_EMULATOR_WORKER'

/** The IPC message that asks a worker to stop as SIGTERM would. */
export const SHUTDOWN = 'wks-emulator:shutdown'

/**
 * This process's slot when it was forked by `--workers N`, else undefined. A process forked by
 * another cluster manager (pm2 …) is not one of ours and starts as a standalone emulator.
 */
export function workerSlot (env: NodeJS.ProcessEnv = process.env): number | undefined {
  const slot = env[WORKER_ENV]
  return slot !== undefined && /^\d+$/.test(slot) && process.send !== undefined ? Number(slot) : undefined
}

/**
 * A worker's config: the same as the primary's but for the fault PRNG's seed, which differs per
 * slot (slot 0 keeps --seed). Equal seeds would make the workers draw the same numbers in step.
 */
export function workerConfig (config: Readonly<Config>, slot: number): Readonly<Config> {
  return Object.freeze({ ...config, seed: (config.seed + Math.imul(slot, 0x9e3779b9)) >>> 0 })
}

/**
 * Stops the worker when the primary asks (its SIGTERM or SIGINT) or goes away (killed), so no
 * worker outlives it. A worker already closing, e.g. on the terminal's own Ctrl-C, ignores the ask.
 */
export function followPrimary (close: () => void, isClosing: () => boolean): void {
  process.on('message', (message) => { if (message === SHUTDOWN && !isClosing()) close() })
  process.once('disconnect', () => { if (!isClosing()) close() })
}

/** The IPC message a worker sends once it listens, with its URLs: the primary prints one ready line. */
export const READY = 'wks-emulator:ready'

export interface ReadyMessage { type: typeof READY, urls: string[], certificateFile?: string }

export const isReadyMessage = (message: unknown): message is ReadyMessage =>
  typeof message === 'object' && message !== null && (message as ReadyMessage).type === READY

/** The IPC message of a worker that could not start: the primary prints the first such line only. */
export const START_FAILED = 'wks-emulator:start-failed'

export interface StartFailedMessage { type: typeof START_FAILED, line: string }

export const isStartFailedMessage = (message: unknown): message is StartFailedMessage =>
  typeof message === 'object' && message !== null && (message as StartFailedMessage).type === START_FAILED

/** Hands the primary this worker's start-up failure line, then calls `then` (to exit). */
export function reportStartFailure (line: string, then: () => void): void {
  if (process.send === undefined) then()
  else process.send({ type: START_FAILED, line } satisfies StartFailedMessage, undefined, {}, then)
}

/** Tells the primary this worker listens, and where. */
export function reportReady (urls: string[], certificateFile?: string): void {
  process.send?.({ type: READY, urls, certificateFile } satisfies ReadyMessage)
}
