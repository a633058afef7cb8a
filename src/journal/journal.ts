import type { JournalEntry, JournalRecord } from '../schemas/journal.js'

export interface JournalFilter {
  projectId?: string
  transactionId?: string
  status?: number
  /** The newest N entries (default all that match). */
  limit?: number
}

/** The request journal: a bounded ring, oldest entries dropped past its capacity. */
export interface Journal {
  append: (record: JournalRecord) => void
  /** Matching entries, oldest first. */
  list: (filter?: JournalFilter) => JournalEntry[]
  count: (filter?: JournalFilter) => number
  clear: (projectId?: string) => number
  /** Up to `limit` entries with a seq above `seq`, oldest first: the cursor the live stream reads by. */
  after: (seq: number, limit: number) => JournalEntry[]
  /** The seq of the newest entry (0 when empty); lower than a reader's cursor after a clear of a shared journal. */
  lastSeq: () => number
  /** Commits buffered entries (a no-op where nothing is buffered). */
  flush: () => void
}
