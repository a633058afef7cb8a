import Database from 'better-sqlite3'
import { ConfigError } from '../config/error.js'
import { createBaseWriter } from './base.js'
import { keyHash } from './key-hash.js'

export type Db = Database.Database

/** How much of a database file is read through a memory map (beyond it, read() as usual). */
const MMAP_BYTES = 1024 * 1024 * 1024

/** Schema versions, applied in order and recorded in PRAGMA user_version. */
const MIGRATIONS: Array<string | ((db: Db) => void)> = [
  `CREATE TABLE transactions (
     project_id TEXT NOT NULL,
     transaction_id TEXT NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (project_id, transaction_id)
   ) WITHOUT ROWID`,
  // Fault rules and the request journal live in SQLite too, so every worker sharing a file database
  // sees the same rules, counters and journal.
  `CREATE TABLE fault_rules (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     project_id TEXT,
     rule TEXT NOT NULL,
     startup INTEGER NOT NULL DEFAULT 0,
     matched INTEGER NOT NULL DEFAULT 0,
     fired INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE journal (
     seq INTEGER PRIMARY KEY,
     project_id TEXT,
     transaction_id TEXT,
     status INTEGER NOT NULL,
     entry TEXT NOT NULL
   );
   CREATE INDEX journal_project ON journal (project_id, seq);
   CREATE TABLE state_version (name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
   INSERT INTO state_version VALUES ('faults', 0);`,
  // Start state apart from run-time changes, so that neither a start nor a reset undoes an
  // acknowledged write, and a reset never deletes what the file held before start:
  //   base      records the file held before start (generate --db, or every record of an older file)
  //   fixtures  the fixture files, loaded anew at every start
  //   changes   upserts, and deletions as NULL bodies (tombstones), made through the control plane
  //   cleared_projects  projects whose start-state records a DELETE ?project_id= hid
  // A lookup tries changes, then fixtures, then base. Resets delete rows of changes and
  // cleared_projects only, however large base is. The journal (transient: it lives as long as a
  // cluster) is made again with seqs that keep growing after a clear, so after_seq cursors stay valid.
  (db) => {
    db.exec(`CREATE TABLE base (
       id INTEGER PRIMARY KEY,
       project_id TEXT NOT NULL,
       transaction_id TEXT NOT NULL,
       body TEXT NOT NULL
     );
     CREATE UNIQUE INDEX base_key ON base (project_id, transaction_id);
     CREATE TABLE fixtures (
       project_id TEXT NOT NULL,
       transaction_id TEXT NOT NULL,
       body TEXT NOT NULL,
       PRIMARY KEY (project_id, transaction_id)
     ) WITHOUT ROWID;
     CREATE TABLE changes (
       project_id TEXT NOT NULL,
       transaction_id TEXT NOT NULL,
       body TEXT,
       PRIMARY KEY (project_id, transaction_id)
     ) WITHOUT ROWID;
     CREATE TABLE cleared_projects (project_id TEXT PRIMARY KEY) WITHOUT ROWID;
     CREATE TABLE fault_tombstones (id TEXT PRIMARY KEY, project_id TEXT) WITHOUT ROWID;
     INSERT INTO state_version VALUES ('base_displaced', 0), ('changes', 0);
     DROP TABLE journal;
     CREATE TABLE journal (
       seq INTEGER PRIMARY KEY AUTOINCREMENT,
       project_id TEXT,
       transaction_id TEXT,
       status INTEGER NOT NULL,
       entry TEXT NOT NULL
     );
     CREATE INDEX journal_project ON journal (project_id, seq);`)
    // What an older file held (fixtures, generated and control-plane records alike) cannot be told
    // apart any more: all of it was there before this start, so all of it becomes start state.
    db.function('wks_key_hash', { deterministic: true }, (p, t) => keyHash(p as string, t as string))
    db.exec('INSERT OR IGNORE INTO base (id, project_id, transaction_id, body) SELECT wks_key_hash(project_id, transaction_id), project_id, transaction_id, body FROM transactions')
    const put = createBaseWriter(db)
    const displaced = db.prepare<[], { project_id: string, transaction_id: string, body: string }>(
      'SELECT project_id, transaction_id, body FROM transactions t WHERE NOT EXISTS ' +
      '(SELECT 1 FROM base b WHERE b.project_id = t.project_id AND b.transaction_id = t.transaction_id)').all()
    for (const r of displaced) put(r.project_id, r.transaction_id, r.body)
    db.exec('DROP TABLE transactions')
  },
  // The --tls self-signed pair, kept with the data so clients that trust it go on trusting it.
  'CREATE TABLE tls_identity (name TEXT PRIMARY KEY, key TEXT NOT NULL, cert TEXT NOT NULL) WITHOUT ROWID',
  // Run-time settings (clock offset, throttling policies) and throttling counters, shared by workers.
  `CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
   INSERT INTO state_version VALUES ('settings', 0);
   CREATE TABLE rate_counters (
     key TEXT PRIMARY KEY,
     window_start INTEGER NOT NULL,
     count INTEGER NOT NULL
   ) WITHOUT ROWID;`
]

/** The schema version this emulator writes. */
export const SCHEMA_VERSION = MIGRATIONS.length

export interface OpenOptions {
  /**
   * Other processes (the workers of `--workers N`) use the file at the same time. Otherwise this
   * connection takes the file for itself (exclusive locking): SQLite then keeps the WAL index in
   * memory and skips the file-lock system calls each statement would make, and nothing else can
   * change the data behind its back; a second process opening the file gets "database is locked".
   */
  shared?: boolean
}

/**
 * Whether other processes (the workers of `--workers N`) may change this database: a file not
 * held in exclusive locking mode. What lives in SQLite only to be shared is kept in memory otherwise.
 */
export const sharedByProcesses = (db: Db): boolean =>
  !db.memory && db.pragma('locking_mode', { simple: true }) !== 'exclusive'

export function openDb (file: string, { shared = false }: OpenOptions = {}): Db {
  let db: Db
  try {
    db = new Database(file)
  } catch (err) {
    // A missing directory, a path that is a directory, no permission: the user's to fix, in one line.
    throw new ConfigError(`database ${file}: cannot be opened (${(err as Error).message})`)
  }
  try {
    if (file !== ':memory:') {
      db.pragma('busy_timeout = 5000')
      // Before the first access in WAL mode, so that no shared-memory WAL index is ever set up.
      if (!shared) db.pragma('locking_mode = EXCLUSIVE')
      // WAL lets readers run beside the writer. NORMAL keeps every committed write across a process
      // crash (kill -9); only an OS crash or power cut may lose the last commits, a fair price for not
      // paying an fsync per journalled request.
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      // Reads through a memory map instead of a read() call per page: a lookup in a large database
      // (1 M records, 750 MB) then costs about what one in a small one does. The mapped pages are
      // the OS's file cache, shared and reclaimable, though they count in the process's RSS.
      db.pragma(`mmap_size = ${MMAP_BYTES}`)
    }
    migrate(db)
  } catch (err) {
    db.close()
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err
    throw new ConfigError(`database ${file} is in use by another process; one emulator per file (--workers N serves one file from several processes)`)
  }
  return db
}

function migrate (db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this emulator knows (${MIGRATIONS.length})`)
  }
  db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v++) {
      const step = MIGRATIONS[v]
      if (typeof step === 'string') db.exec(step)
      else step(db)
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`)
  }).immediate()
}
