import type Database from 'better-sqlite3'
import { keyHash } from './key-hash.js'

/**
 * Writes into `base`, the records a database file holds before any emulator starts on it (made by
 * `generate --db`, or the records of a file from before schema 3). Nothing writes here while an
 * emulator serves the file, so the table is the fixed floor every reset returns to.
 *
 * A record's row id is its key hash; when that id is already taken by another key (the odds of
 * any such pair among a million records are about 1 in 18,000) the record gets a free id and `base_displaced`
 * counts it, which makes lookups use the key index from then on (see visible-body.ts). It takes the
 * connection itself, not db.ts's type, because db.ts runs it in a migration.
 */
export function createBaseWriter (db: Database.Database) {
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
