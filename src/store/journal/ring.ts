import { randomUUID } from 'node:crypto'
import { OUTCOMES, entryOf, type JournalEntry, type JournalRecord } from '../../schemas/journal.js'
import type { AuthOutcome } from '../../schemas/journal.js'
import type { Journal, JournalFilter } from './journal.js'

const SCHEMES: ReadonlyArray<AuthOutcome['scheme']> = ['none', 'token', 'aksk']
// The text fields of a record, in the order they are written to the arena.
const TEXTS = ['request_id', 'method', 'path', 'project_id', 'transaction_id', 'principal', 'fault_id'] as const
type TextField = typeof TEXTS[number]
const ABSENT = -1
const PROJECT = TEXTS.indexOf('project_id')
const TRANSACTION = TEXTS.indexOf('transaction_id')
/** Arena bytes per entry of capacity: twice a typical entry's text (~250 bytes). */
const BYTES_PER_ENTRY = 512
/**
 * At least this much arena: an entry's text comes from one request line and its headers (16 KiB by
 * default), so even the longest fits; a longer one (raised limits) has its fields shortened.
 */
const MIN_ARENA = 256 * 1024

/** A 32-bit FNV-1a hash of the UTF-16 code units (0 for absent), so a filter compares integers before bytes. */
function textHash (text: string | undefined): number {
  if (text === undefined) return 0
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h | 0
}

/**
 * The journal of a single process: a ring of fixed-size columns (numbers in typed arrays, text as
 * UTF-8 in one preallocated arena) that a request writes into without leaving an object behind.
 * Kept as objects, every record outlived a young-generation collection and was copied into the old
 * generation, which grew the heap by tens of MB under load; this way the memory is fixed at start.
 * Entries leave the ring oldest first when it holds `capacity` of them, or (only with unusually
 * long request lines) when their text no longer fits in the arena. The journal is not kept across
 * restarts; workers of `--workers N` share theirs through SQLite instead.
 */
export function createRingJournal (capacity: number): Journal {
  const slots = Math.max(capacity, 1)
  const seq = new Float64Array(slots)
  const at = new Float64Array(slots)
  const duration = new Float64Array(slots)
  const status = new Uint16Array(slots)
  const scheme = new Uint8Array(slots)
  const ok = new Uint8Array(slots)
  const outcome = new Uint8Array(slots)
  const textAt = new Float64Array(slots)
  const textLength = new Int32Array(slots * TEXTS.length)
  // Hashes of project_id and transaction_id: reading a page with a filter that matches little
  // scans the whole ring, which comparing integers keeps to milliseconds at a million entries.
  const projectHash = new Int32Array(slots)
  const transactionHash = new Int32Array(slots)
  const columns = [seq, at, duration, status, scheme, ok, outcome, textAt, projectHash, transactionHash]
  const arenaSize = Math.max(slots * BYTES_PER_ENTRY, MIN_ARENA)
  const arena = Buffer.allocUnsafe(arenaSize)

  let oldest = 0
  let size = 0
  let lastSeq = 0
  // Arena bytes written so far; an entry's text starts at textAt[i] % arenaSize and never wraps.
  let written = 0

  const textsOf = (r: JournalRecord): Array<string | undefined> =>
    [r.request_id, r.method, r.path, r.project_id, r.transaction_id, r.auth.principal, r.fault_id]

  // Where text field k of entry i starts in the arena.
  const offsetOf = (i: number, k: number): number => {
    let offset = textAt[i] % arenaSize
    for (let j = 0; j < k; j++) offset += Math.max(textLength[i * TEXTS.length + j], 0)
    return offset
  }

  const text = (i: number, field: TextField): string | undefined => {
    const k = TEXTS.indexOf(field)
    const length = textLength[i * TEXTS.length + k]
    if (length === ABSENT) return undefined
    const offset = offsetOf(i, k)
    return arena.toString('utf8', offset, offset + length)
  }

  // Compares a text field with UTF-8 bytes where it lies, so that filtering decodes nothing.
  const textIs = (i: number, k: number, bytes: Buffer): boolean => {
    if (textLength[i * TEXTS.length + k] !== bytes.length) return false
    const offset = offsetOf(i, k)
    return arena.compare(bytes, 0, bytes.length, offset, offset + bytes.length) === 0
  }

  const matcher = (f: JournalFilter): ((i: number) => boolean) => {
    const project = f.projectId === undefined ? undefined : Buffer.from(f.projectId)
    const transaction = f.transactionId === undefined ? undefined : Buffer.from(f.transactionId)
    const projectIs = textHash(f.projectId)
    const transactionIs = textHash(f.transactionId)
    return (i) =>
      (project === undefined || (projectHash[i] === projectIs && textIs(i, PROJECT, project))) &&
      (transaction === undefined || (transactionHash[i] === transactionIs && textIs(i, TRANSACTION, transaction))) &&
      (f.status === undefined || status[i] === f.status)
  }

  const recordAt = (i: number): JournalRecord => {
    const principal = text(i, 'principal')
    const auth: AuthOutcome = principal === undefined
      ? { scheme: SCHEMES[scheme[i]], ok: ok[i] === 1 }
      : { scheme: SCHEMES[scheme[i]], principal, ok: ok[i] === 1 }
    return {
      at: at[i],
      request_id: text(i, 'request_id')!,
      method: text(i, 'method')!,
      path: text(i, 'path')!,
      project_id: text(i, 'project_id'),
      transaction_id: text(i, 'transaction_id'),
      status: status[i],
      duration_ms: duration[i],
      auth,
      fault_id: text(i, 'fault_id'),
      outcome: OUTCOMES[outcome[i]]
    }
  }

  const dropOldest = (): void => {
    oldest = (oldest + 1) % slots
    size--
  }

  // Oldest first, or newest first with `newestFirst`; `visit` returns false to stop.
  const forEachIndex = (visit: (i: number) => boolean, newestFirst: boolean): void => {
    for (let n = 0; n < size; n++) {
      const i = (oldest + (newestFirst ? size - 1 - n : n)) % slots
      if (!visit(i)) return
    }
  }

  function append (record: JournalRecord): void {
    if (capacity === 0) return
    if (size === capacity) dropOldest()
    const texts = textsOf(record)
    // Room for the worst case (3 UTF-8 bytes per UTF-16 unit), contiguous: skip the arena's tail if short.
    let worst = 0
    for (const t of texts) worst += t === undefined ? 0 : t.length * 3
    if (worst > arenaSize) {
      const cap = Math.floor(arenaSize / (3 * TEXTS.length))
      worst = 0
      for (let k = 0; k < texts.length; k++) {
        texts[k] = texts[k]?.slice(0, cap)
        worst += (texts[k]?.length ?? 0) * 3
      }
    }
    if ((written % arenaSize) + worst > arenaSize) written += arenaSize - (written % arenaSize)
    // Entries whose text the new one will overwrite leave first.
    // eslint-disable-next-line no-unmodified-loop-condition -- dropOldest() shrinks size
    while (size > 0 && textAt[oldest] < written + worst - arenaSize) dropOldest()
    const i = (oldest + size) % slots
    size++
    seq[i] = ++lastSeq
    at[i] = record.at
    duration[i] = record.duration_ms
    status[i] = record.status
    scheme[i] = SCHEMES.indexOf(record.auth.scheme)
    ok[i] = record.auth.ok ? 1 : 0
    outcome[i] = OUTCOMES.indexOf(record.outcome)
    textAt[i] = written
    projectHash[i] = textHash(record.project_id)
    transactionHash[i] = textHash(record.transaction_id)
    const start = written % arenaSize
    // One write of the fields joined; when it is all ASCII (as it nearly always is), each field's
    // byte length is its length. Otherwise the fields are written again one by one.
    let joined = ''
    for (const t of texts) if (t !== undefined) joined += t
    let offset = start + arena.write(joined, start, 'utf8')
    const ascii = offset - start === joined.length
    if (!ascii) offset = start
    for (let k = 0; k < TEXTS.length; k++) {
      const t = texts[k]
      if (t === undefined) { textLength[i * TEXTS.length + k] = ABSENT; continue }
      if (ascii) { textLength[i * TEXTS.length + k] = t.length; continue }
      const length = arena.write(t, offset, 'utf8')
      textLength[i * TEXTS.length + k] = length
      offset += length
    }
    written += offset - start
  }

  // How many entries, oldest first, have a seq <= afterSeq: seqs grow along the ring, so a binary search.
  const skipped = (afterSeq: number): number => {
    let lo = 0
    let hi = size
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (seq[(oldest + mid) % slots] <= afterSeq) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  function list (filter: JournalFilter = {}): JournalEntry[] {
    const limit = filter.limit ?? capacity
    const matches = matcher(filter)
    const out: JournalEntry[] = []
    if (filter.afterSeq !== undefined) {
      for (let n = skipped(filter.afterSeq); n < size && out.length < limit; n++) {
        const i = (oldest + n) % slots
        if (matches(i)) out.push(entryOf(seq[i], recordAt(i)))
      }
      return out
    }
    forEachIndex((i) => {
      if (out.length >= limit) return false
      if (matches(i)) out.push(entryOf(seq[i], recordAt(i)))
      return true
    }, true)
    return out.reverse()
  }

  return {
    id: randomUUID(),
    append,
    list,
    lastSeq: () => lastSeq,
    count (filter: JournalFilter = {}): number {
      if (filter.projectId === undefined && filter.transactionId === undefined && filter.status === undefined) return size
      const matches = matcher(filter)
      let n = 0
      forEachIndex((i) => { if (matches(i)) n++; return true }, false)
      return n
    },
    clear (projectId?: string): number {
      const before = size
      if (projectId === undefined) {
        oldest = 0
        size = 0
        return before
      }
      // A namespace reset: the entries that stay move up in place, in order, so the others keep
      // their whole share of the capacity; their text stays where it is in the arena. A slot is
      // written only after it has been read, so nothing is copied aside.
      const matches = matcher({ projectId })
      let kept = 0
      for (let read = 0; read < size; read++) {
        const from = (oldest + read) % slots
        if (matches(from)) continue
        if (kept !== read) {
          const to = (oldest + kept) % slots
          for (const column of columns) column[to] = column[from]
          textLength.copyWithin(to * TEXTS.length, from * TEXTS.length, (from + 1) * TEXTS.length)
        }
        kept++
      }
      size = kept
      return before - size
    },
    flush (): void {}
  }
}
