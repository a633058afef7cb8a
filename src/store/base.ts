import type { Db } from './db.js'
import { keyHash } from './key-hash.js'

/**
 * Writes into `base`, the records a database file holds before any emulator starts on it (made by
 * `generate --db`, or the records of a file from before schema 3). Nothing writes here while an
 * emulator serves the file, so the table is the fixed floor every reset returns to.
 *
 * A record's row id is its key hash; when that id is already taken by another key (about one
 * pair in 10^10 at a million records) the record gets a free id instead and `base_displaced`
 * counts it, which makes lookups use the key index from then on (see transactions.ts).
 */
export function createBaseWriter (db: Db) {
  const upsertAt = db.prepare<[number, string, string, string]>(
    'INSERT INTO base (id, project_id, transaction_id, body) VALUES (?, ?, ?, ?) ' +
    'ON CONFLICT (project_id, transaction_id) DO UPDATE SET body = excluded.body')
  const insertElsewhere = db.prepare<[string, string, string]>('INSERT INTO base (id, project_id, transaction_id, body) VALUES (NULL, ?, ?, ?)')
  const countDisplaced = db.prepare("UPDATE state_version SET version = version + 1 WHERE name = 'base_displaced'")

  return (projectId: string, transactionId: string, body: string): void => {
    try {
      upsertAt.run(keyHash(projectId, transactionId), projectId, transactionId, body)
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw err
      insertElsewhere.run(projectId, transactionId, body)
      countDisplaced.run()
    }
  }
}
