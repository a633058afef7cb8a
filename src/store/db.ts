import Database from 'better-sqlite3'

export type Db = Database.Database

/** Schema versions, applied in order and recorded in PRAGMA user_version. */
const MIGRATIONS: string[] = [
  `CREATE TABLE transactions (
     project_id TEXT NOT NULL,
     transaction_id TEXT NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (project_id, transaction_id)
   ) WITHOUT ROWID`
]

export function openDb (file: string): Db {
  const db = new Database(file)
  if (file !== ':memory:') {
    // WAL lets readers run beside the writer; FULL makes every acknowledged write survive power loss,
    // which matters more here than write speed (writes come only from the control plane).
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('busy_timeout = 5000')
  }
  migrate(db)
  return db
}

function migrate (db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this emulator knows (${MIGRATIONS.length})`)
  }
  db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v])
    db.pragma(`user_version = ${MIGRATIONS.length}`)
  }).immediate()
}
