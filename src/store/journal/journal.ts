import type { JournalEntry, JournalRecord } from '../../schemas/journal.js'

export interface JournalFilter {
  projectId?: string
  transactionId?: string
  status?: number
  /**
   * A cursor: only entries with a larger seq, the oldest N of them (N = `limit`). Without it, the
   * newest N. Seqs only grow, across clears too, so a reader can follow the journal by its last seq.
   */
  afterSeq?: number
  /** At most this many entries (default all that match). */
  limit?: number
}

/** The request journal: a bounded ring, oldest entries dropped past its capacity. */
export interface Journal {
  append: (record: JournalRecord) => void
  /** Matching entries, oldest first. */
  list: (filter?: JournalFilter) => JournalEntry[]
  count: (filter?: JournalFilter) => number
  clear: (projectId?: string) => number
  /** The highest seq given so far (0 before the first entry), cleared entries included: seqs never go back. */
  lastSeq: () => number
  /** Commits buffered entries (a no-op where nothing is buffered); one the database refuses is retried later. */
  flush: () => void
  /** Commits the database refused and that were retried later (a shared file's journal only). */
  deferredWrites?: () => number
}
