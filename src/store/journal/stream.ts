import type { JournalEntry } from '../../schemas/journal.js'
import type { Journal, JournalFilter } from './journal.js'

/** How often the journal is read for new entries while someone listens. */
export const POLL_MS = 100
/** Entries read per poll; when more arrived since the last one, the stream skips to the newest. */
export const POLL_BATCH = 1000
/** Entries replayed to a client that reconnects with Last-Event-ID. */
export const REPLAY_MAX = 1000
/** Entries read from the journal at a time while replaying: a replay never holds more than this. */
export const REPLAY_PAGE = 16
/** A comment line this often keeps idle proxies from closing the stream and finds dead clients. */
export const HEARTBEAT_MS = 15_000

export type StreamFilter = Omit<JournalFilter, 'limit'>

/**
 * One listener: `send` gets the frames of one poll together and returns false once the listener
 * is gone (it is then forgotten).
 */
export interface StreamListener {
  filter: StreamFilter
  send: (frame: string) => boolean
  /** Closes the listener's connection (the server is closing). */
  end: () => void
  /**
   * Whether the replay must wait before it sends more: returns true when the listener's unread
   * bytes are past its budget, and then calls `resume` once they have drained (or never, if the
   * listener is gone). Without it a replay is sent at once.
   */
  full?: (resume: () => void) => boolean
}

export const matchesFilter = (f: StreamFilter, e: JournalEntry): boolean =>
  (f.projectId === undefined || e.project_id === f.projectId) &&
  (f.transactionId === undefined || e.transaction_id === f.transactionId) &&
  (f.status === undefined || e.status === f.status)

/** One Server-Sent Events frame (WHATWG HTML §9.2): the seq as id, so a client resumes with Last-Event-ID. */
export const frameOf = (e: JournalEntry): string => `id: ${e.seq}\nevent: request\ndata: ${JSON.stringify(e)}\n\n`
const HEARTBEAT = ': keep-alive\n\n'

/**
 * New journal entries, fanned out to listeners. It reads the journal by seq, which is the same for
 * the in-memory ring of one process and the SQLite table that `--workers` share (where entries come
 * from other processes too), and costs the request path nothing: nothing runs while no one listens.
 * Each entry is serialised once, whatever the number of listeners.
 */
export function createJournalStream (journal: Journal, { pollMs = POLL_MS, heartbeatMs = HEARTBEAT_MS } = {}) {
  const listeners = new Set<StreamListener>()
  // Listeners still being sent their replay; they join `listeners` when it is done.
  const replaying = new Set<StreamListener>()
  let cursor = 0
  let poller: NodeJS.Timeout | undefined
  let heartbeat: NodeJS.Timeout | undefined

  const heartbeatAll = (): void => {
    for (const l of listeners) if (!l.send(HEARTBEAT)) listeners.delete(l)
    if (listeners.size === 0 && replaying.size === 0) stop()
  }

  const poll = (): void => {
    const last = journal.lastSeq()
    // Far behind (a burst), a live view skips to what is newest; the journal keeps the rest.
    if (last - cursor > POLL_BATCH) cursor = last - POLL_BATCH
    if (last <= cursor) return
    const entries = journal.list({ afterSeq: cursor, limit: POLL_BATCH })
    if (entries.length === 0) return
    cursor = entries[entries.length - 1].seq
    // Each entry is serialised once; each listener gets what it matches in one write.
    const frames = new Map<JournalEntry, string>()
    for (const l of listeners) {
      let batch = ''
      for (const entry of entries) {
        if (!matchesFilter(l.filter, entry)) continue
        let frame = frames.get(entry)
        if (frame === undefined) { frame = frameOf(entry); frames.set(entry, frame) }
        batch += frame
      }
      if (batch !== '' && !l.send(batch)) listeners.delete(l)
    }
    if (listeners.size === 0 && replaying.size === 0) stop()
  }

  function stop (): void {
    clearInterval(poller)
    clearInterval(heartbeat)
    poller = heartbeat = undefined
  }

  return {
    /**
     * Adds a listener. With `lastSeq` (a reconnecting client's Last-Event-ID) the matching entries
     * after it that are still in the journal (at most REPLAY_MAX) are sent first.
     * Returns the function that removes it.
     */
    subscribe (listener: StreamListener, lastSeq?: number): () => void {
      if (poller === undefined) {
        cursor = journal.lastSeq()
        poller = setInterval(poll, pollMs).unref()
        heartbeat = setInterval(heartbeatAll, heartbeatMs).unref()
      }
      let gone = false
      const join = (): void => {
        replaying.delete(listener)
        if (!gone) listeners.add(listener)
      }
      const unsubscribe = (): void => {
        gone = true
        replaying.delete(listener)
        listeners.delete(listener)
        if (listeners.size === 0 && replaying.size === 0) stop()
      }
      if (lastSeq === undefined || lastSeq >= cursor) {
        join()
        return unsubscribe
      }
      // The replay is read a page at a time and written as the listener drains, and it chases the
      // live cursor: it joins the live listeners (in the same tick) once it has caught up, so no
      // entry is sent twice or skipped. Memory is one page plus the listener's own unread budget.
      replaying.add(listener)
      let after = lastSeq
      let left = REPLAY_MAX
      const pump = (): void => {
        for (;;) {
          if (gone) return
          if (left <= 0 || after >= cursor) return join()
          const page = journal.list({ ...listener.filter, afterSeq: after, limit: Math.min(REPLAY_PAGE, left) })
          if (page.length === 0) return join()
          for (const entry of page) {
            if (entry.seq > cursor) return join()
            after = entry.seq
            left--
            if (!listener.send(frameOf(entry))) { unsubscribe(); return }
            if (listener.full?.(pump) === true) return
          }
        }
      }
      pump()
      return unsubscribe
    },
    /** The journal's identity, which changes when seqs begin again (see Journal.id). */
    journalId: journal.id,
    /** Listeners now attached (their replay sent). */
    size: (): number => listeners.size,
    /** Ends the stream for everyone (the server is closing). */
    close (): void {
      for (const l of [...listeners, ...replaying]) l.end()
      listeners.clear()
      replaying.clear()
      stop()
    }
  }
}
export type JournalStream = ReturnType<typeof createJournalStream>
