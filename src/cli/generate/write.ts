import { closeSync, openSync, writeSync } from 'node:fs'
import type { TransactionRecord } from '../../schemas/access-stages.js'
import { createBaseWriter } from '../../store/base.js'
import { openDb } from '../../store/db.js'
import { claimDatabase } from '../../store/lock.js'
import { bodyOf } from '../../store/record-body.js'

/** Called after each batch with the number of records written so far. */
export type Progress = (done: number) => void

/** Records per transaction (database) or per write call (JSON): large enough to amortise, small enough to stay flat. */
const BATCH = 5_000
const CHECKPOINT_EVERY = 40

function * batches (records: Iterable<TransactionRecord>): Generator<TransactionRecord[]> {
  let batch: TransactionRecord[] = []
  for (const record of records) {
    batch.push(record)
    if (batch.length === BATCH) { yield batch; batch = [] }
  }
  if (batch.length > 0) yield batch
}

/** `--out -`: the records go to standard output, as the convention of Unix tools has it. */
export const STDOUT = '-'

/** Writes all of `text`, waiting out EAGAIN: standard output may be a non-blocking pipe. */
function writeAll (fd: number, text: string): void {
  let bytes = Buffer.from(text)
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5)
    }
  }
}

/**
 * A fixtures file (`{"transactions": [...]}`, one record a line), written a batch at a time, or
 * standard output for `-`. Keys come first, then the body's fields in the order the API sends them.
 */
export function writeJson (file: string, records: Iterable<TransactionRecord>, progress: Progress = () => {}): number {
  const fd = file === STDOUT ? 1 : openSync(file, 'w')
  let written = 0
  try {
    writeAll(fd, '{"transactions": [\n')
    for (const batch of batches(records)) {
      const lines = batch.map((r) => JSON.stringify(r))
      writeAll(fd, (written === 0 ? '' : ',\n') + lines.join(',\n'))
      written += batch.length
      progress(written)
    }
    writeAll(fd, '\n]}\n')
  } finally {
    if (fd !== 1) closeSync(fd)
  }
  return written
}

/**
 * Upserts the records into a database file, through the emulator's own schema, as the records the
 * file holds before start: the start state an emulator serving it returns to on every reset.
 * One transaction per batch. Refused while an emulator serves the file.
 */
export function writeDb (file: string, records: Iterable<TransactionRecord>, progress: Progress = () => {}): number {
  const claim = claimDatabase(file)
  let db
  try {
    db = openDb(file)
  } catch (err) {
    claim.release()
    throw err
  }
  let written = 0
  try {
    // Only for the bulk load: a bigger page cache keeps the B-tree's inner pages in memory, and the
    // WAL is copied back every few batches in one go rather than each time it passes 1000 pages.
    db.pragma('cache_size = -32768')
    db.pragma('wal_autocheckpoint = 0')
    const put = createBaseWriter(db)
    const putMany = db.transaction((batch: TransactionRecord[]) => { for (const r of batch) put(r.project_id, r.transaction_id, bodyOf(r)) })
    let sinceCheckpoint = 0
    for (const batch of batches(records)) {
      putMany.immediate(batch)
      written += batch.length
      if (++sinceCheckpoint === CHECKPOINT_EVERY) { db.pragma('wal_checkpoint(TRUNCATE)'); sinceCheckpoint = 0 }
      progress(written)
    }
    // Leave one file behind: the emulator starts on it without replaying a large WAL.
    db.pragma('wal_checkpoint(TRUNCATE)')
  } finally {
    db.close()
    claim.release()
  }
  return written
}
