import { randomInt } from 'node:crypto'
import type { Db } from '../db.js'
import type { JournalDraft, JournalEntry, JournalRecord } from '../../schemas/journal.js'
import type { Journal, JournalFilter } from './journal.js'

/** Writes wait at most this long (or this many entries) before they are committed in one batch. */
const FLUSH_MS = 20
const FLUSH_AT = 256
const ROWS_AT_ONCE = 32
/** A flush waits this long for another process's write lock, then steps aside and retries later. */
const LOCK_WAIT_MS = 100
const FIRST_RETRY_MS = 50
const LAST_RETRY_MS = 2000

export interface SqliteJournalHooks {
  /**
   * A commit the database refused (another process holds the write lock: a backup, the sqlite3
   * shell): the entries are kept and retried with back-off. Called on the first failure of a run
   * of them, so the log says it once, not on every retry.
   */
  onDeferred?: (err: Error) => void
}

/**
 * The request journal of `--workers N`: a bounded ring in SQLite (oldest entries dropped past
 * `capacity`), shared by every worker on one database file. Appends are buffered and committed in batches, off the request
 * path; every read and clear commits the buffer first, so a process always reads its own writes.
 */
export function createSqliteJournal (db: Db, capacity: number, { onDeferred }: SqliteJournalHooks = {}): Journal {
  const INSERT = 'INSERT INTO journal (project_id, transaction_id, status, entry) VALUES '
  const insert = db.prepare<[string | null, string | null, number, string]>(INSERT + '(?, ?, ?, ?)')
  // One statement per ROWS_AT_ONCE entries: most of a single-row insert is the statement's own
  // overhead, which this shares (a fifth less time per entry, measured).
  const insertMany = db.prepare<unknown[]>(INSERT + Array(ROWS_AT_ONCE).fill('(?, ?, ?, ?)').join(', '))
  const values: unknown[] = new Array(ROWS_AT_ONCE * 4)
  const trim = db.prepare<[number]>('DELETE FROM journal WHERE seq <= (SELECT max(seq) FROM journal) - ?')
  const FILTER = '(:p IS NULL OR project_id = :p) AND (:t IS NULL OR transaction_id = :t) AND (:s IS NULL OR status = :s)'
  type Row = { seq: number, entry: string }
  const newest = db.prepare<{ p: string | null, t: string | null, s: number | null, n: number }, Row>(
    `SELECT seq, entry FROM journal WHERE ${FILTER} ORDER BY seq DESC LIMIT :n`)
  const after = db.prepare<{ p: string | null, t: string | null, s: number | null, n: number, a: number }, Row>(
    `SELECT seq, entry FROM journal WHERE seq > :a AND ${FILTER} ORDER BY seq LIMIT :n`)
  // AUTOINCREMENT keeps seqs growing after a clear, so cursors stay valid.
  const highest = db.prepare<[], number>("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'journal'), 0)").pluck()
  const countWhere = db.prepare<{ p: string | null, t: string | null, s: number | null }, number>(
    'SELECT count(*) FROM journal WHERE (:p IS NULL OR project_id = :p) AND (:t IS NULL OR transaction_id = :t) AND (:s IS NULL OR status = :s)').pluck()
  const clearAll = db.prepare('DELETE FROM journal')
  const clearProject = db.prepare<[string]>('DELETE FROM journal WHERE project_id = ?')

  const textOf = ({ at, ...rest }: JournalRecord): string => JSON.stringify({ time: new Date(at).toISOString(), ...rest } satisfies JournalDraft)
  let pending: JournalRecord[] = []
  let timer: NodeJS.Timeout | undefined
  const commit = db.transaction((batch: JournalRecord[]) => {
    let i = 0
    for (; i + ROWS_AT_ONCE <= batch.length; i += ROWS_AT_ONCE) {
      for (let j = 0; j < ROWS_AT_ONCE; j++) {
        const e = batch[i + j]
        values[j * 4] = e.project_id ?? null
        values[j * 4 + 1] = e.transaction_id ?? null
        values[j * 4 + 2] = e.status
        values[j * 4 + 3] = textOf(e)
      }
      insertMany.run(values)
    }
    for (; i < batch.length; i++) {
      const e = batch[i]
      insert.run(e.project_id ?? null, e.transaction_id ?? null, e.status, textOf(e))
    }
    trim.run(capacity)
  })
  // A write is never worth a process: a commit that fails (SQLITE_BUSY past the wait, or any other
  // error) puts its entries back, newest kept within the capacity, and is retried on a back-off timer.
  let retryMs = 0
  let deferred = 0
  const flush = (): void => {
    if (timer) { clearTimeout(timer); timer = undefined }
    // Closed (the app is shutting down): nothing can be written any more.
    if (pending.length === 0 || !db.open) return
    const batch = pending
    pending = []
    const wait = db.pragma('busy_timeout', { simple: true }) as number
    try {
      db.pragma(`busy_timeout = ${Math.min(wait, LOCK_WAIT_MS)}`)
      commit.immediate(batch)
      retryMs = 0
    } catch (err) {
      pending = batch.concat(pending)
      if (pending.length > capacity) pending = pending.slice(pending.length - capacity)
      deferred++
      if (retryMs === 0) onDeferred?.(err as Error)
      retryMs = Math.min(retryMs === 0 ? FIRST_RETRY_MS : retryMs * 2, LAST_RETRY_MS)
      timer = setTimeout(flush, retryMs).unref()
    } finally {
      if (db.open) db.pragma(`busy_timeout = ${wait}`)
    }
  }
  const entriesOf = (rows: Array<{ seq: number, entry: string }>): JournalEntry[] =>
    rows.map((r) => ({ seq: r.seq, ...JSON.parse(r.entry) as JournalDraft }))
  const params = (f: JournalFilter) => ({ p: f.projectId ?? null, t: f.transactionId ?? null, s: f.status ?? null })

  /** Matching entries, oldest first. */
  const list = (filter: JournalFilter = {}): JournalEntry[] => {
    flush()
    const n = filter.limit ?? capacity
    const rows = filter.afterSeq === undefined ? newest.all({ ...params(filter), n }).reverse() : after.all({ ...params(filter), n, a: filter.afterSeq })
    return entriesOf(rows)
  }

  // Shared by every worker on this file and kept with it, so it changes only with a new file,
  // which is when seqs begin again.
  db.prepare("INSERT OR IGNORE INTO state_version VALUES ('journal_epoch', ?)").run(randomInt(2 ** 47))
  const id = `sqlite-${String(db.prepare("SELECT version FROM state_version WHERE name = 'journal_epoch'").pluck().get())}`

  return {
    id,
    append (entry: JournalRecord): void {
      if (capacity === 0) return
      pending.push(entry)
      // While a retry is waiting for the lock, entries gather for it (the ring's capacity bounds them).
      if (retryMs > 0) { if (pending.length > capacity) pending.shift(); return }
      if (pending.length >= FLUSH_AT) flush()
      else if (!timer) timer = setTimeout(flush, FLUSH_MS).unref()
    },
    list,
    lastSeq (): number {
      flush()
      return highest.get()!
    },
    count (filter: JournalFilter = {}): number {
      flush()
      return countWhere.get(params(filter))!
    },
    clear (projectId?: string): number {
      flush()
      return (projectId === undefined ? clearAll.run() : clearProject.run(projectId)).changes
    },
    flush,
    deferredWrites: () => deferred
  }
}
