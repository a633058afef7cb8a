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
  /**
   * Names this journal: seqs are only comparable between reads of the same id (a restarted emulator
   * starts again at 1), so a follower that sees another id starts over.
   */
  id: string
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

/**
 * UTF-8 bytes kept of each text field of an entry (path, ids, principal). A request line may be
 * 16 KiB, and escaped as JSON (`%01` is `\u0001`) a stored string grows six-fold again; the journal
 * keeps what identifies a request, not all of it.
 */
export const MAX_JOURNAL_TEXT_BYTES = 512
/** Ends a shortened field, with the number of bytes left out. */
export const truncatedMark = (dropped: number): string => `…[${dropped} more bytes]`

/** `text` cut to MAX_JOURNAL_TEXT_BYTES at a character boundary, marked when cut. */
export function capJournalText<T extends string | undefined> (text: T): T {
  if (text === undefined || text.length * 3 <= MAX_JOURNAL_TEXT_BYTES) return text
  const bytes = Buffer.from(text, 'utf8')
  if (bytes.length <= MAX_JOURNAL_TEXT_BYTES) return text
  let end = MAX_JOURNAL_TEXT_BYTES
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end-- // not inside a character
  return (bytes.toString('utf8', 0, end) + truncatedMark(bytes.length - end)) as T
}
