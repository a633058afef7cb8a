import type { JournalDraft, JournalEntry } from '../schemas/journal.js'
import type { Journal, JournalFilter } from './store.js'

const matches = (e: JournalEntry, f: JournalFilter): boolean =>
  (f.projectId === undefined || e.project_id === f.projectId) &&
  (f.transactionId === undefined || e.transaction_id === f.transactionId) &&
  (f.status === undefined || e.status === f.status)

/**
 * The journal of a single process on an in-memory database: a ring of entry objects. A row per
 * request in SQLite (serialise, insert, trim, commit) was the largest cost of the request path,
 * and an in-memory database neither outlives the process nor is shared with another, so nothing
 * is lost by keeping the journal beside it in plain memory.
 */
export function createMemoryJournal (capacity: number): Journal {
  let ring: JournalEntry[] = []
  let start = 0
  let seq = 0
  // Newest first, without copying the ring.
  function * newest (): Generator<JournalEntry> {
    for (let i = ring.length - 1; i >= 0; i--) yield ring[(start + i) % ring.length]
  }
  return {
    append (draft: JournalDraft): void {
      if (capacity === 0) return
      const entry = draft as JournalEntry
      entry.seq = ++seq
      if (ring.length < capacity) ring.push(entry)
      else {
        ring[start] = entry
        start = (start + 1) % capacity
      }
    },
    list (filter: JournalFilter = {}): JournalEntry[] {
      const out: JournalEntry[] = []
      const limit = filter.limit ?? capacity
      for (const e of newest()) {
        if (out.length >= limit) break
        if (matches(e, filter)) out.push({ ...e })
      }
      // Entries carry seq first, as the SQLite journal returns them.
      return out.reverse().map(({ seq, ...rest }) => ({ seq, ...rest }))
    },
    count (filter: JournalFilter = {}): number {
      let n = 0
      for (const e of newest()) if (matches(e, filter)) n++
      return n
    },
    clear (projectId?: string): number {
      const kept = projectId === undefined ? [] : [...newest()].reverse().filter((e) => e.project_id !== projectId)
      const removed = ring.length - kept.length
      ring = kept
      start = 0
      return removed
    },
    flush (): void {}
  }
}
