import { pino, type DestinationStream } from 'pino'

/** Log text gathered before it is written, in one synchronous call. */
const BATCH_BYTES = 4096
/** The longest a line waits to be written. */
export const LOG_FLUSH_MS = 100

export interface LogDestination {
  stream: DestinationStream
  /** Writes what is gathered and stops the timer; lines logged later wait for the process's exit. */
  close: () => void
}

/**
 * stdout for the log, written in batches: a write per line was most of what a request's log line
 * cost. Lines are gathered up to 4 KiB and written synchronously, and whatever is gathered is
 * written at least every 100 ms, when the app closes and when the process exits (process.exit
 * after SIGTERM, SIGINT or a fatal error included), so only SIGKILL or a power loss can lose lines,
 * the last 100 ms of them. Synchronous writes keep memory bounded: pino's asynchronous default
 * held tens of MB of log text under load while a write was in flight.
 */
export function bufferedStdout (): LogDestination {
  const stream = pino.destination({ dest: 1, sync: true, minLength: BATCH_BYTES })
  const flush = (): void => {
    // A closed stdout (EPIPE) has no reader left to lose lines to.
    try { stream.flushSync() } catch {}
  }
  const timer = setInterval(flush, LOG_FLUSH_MS).unref()
  process.on('exit', flush)
  return {
    stream,
    close () {
      clearInterval(timer)
      flush()
    }
  }
}
