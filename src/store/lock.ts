import Database from 'better-sqlite3'
import { ConfigError } from '../config/error.js'

/** The file beside a database whose lock says an emulator serves it. */
export const lockFileOf = (file: string): string => `${file}-lock`

/**
 * Claims a database file for one emulator (a single process, or the primary of `--workers N` for
 * its whole cluster) until `release()` or the process's end, crash or kill -9 included: the claim
 * is an exclusive SQLite lock on a small file beside the database, which the OS drops with the
 * process. The workers share the database itself, so its own locks cannot say "one cluster".
 * A second claim, from any process, is refused with one line naming the file, before anything of
 * the running emulator's is touched. `:memory:` needs no claim.
 */
export function claimDatabase (file: string): { release: () => void } {
  if (file === ':memory:') return { release: () => {} }
  let lock: Database.Database
  try {
    lock = new Database(lockFileOf(file), { timeout: 0 })
  } catch (err) {
    throw new ConfigError(`database ${file}: cannot create ${lockFileOf(file)} (${(err as Error).message})`)
  }
  try {
    lock.pragma('journal_mode = MEMORY')
    // Exclusive locking mode keeps the lock of the first write until the connection closes.
    lock.pragma('locking_mode = EXCLUSIVE')
    lock.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS claim (pid INTEGER); COMMIT')
  } catch (err) {
    lock.close()
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err
    throw new ConfigError(`database ${file} is already served by another wks-emulator; one emulator per file (--workers N serves one file from several processes)`)
  }
  return { release: () => lock.close() }
}
