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
  /** Commits buffered entries (a no-op where nothing is buffered). */
  flush: () => void
}
