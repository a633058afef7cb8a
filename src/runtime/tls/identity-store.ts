import type { Db } from '../../store/db.js'
import type { TlsPair } from './self-signed.js'

const SELF_SIGNED = 'self-signed'

/**
 * The `--tls self-signed` pair kept in the database, so a file database serves the certificate its
 * clients already trust across restarts (and every worker of `--workers N` serves the same one).
 * It is configuration, not state: reset and state export never touch it.
 */
export function createTlsIdentityStore (db: Db) {
  const read = db.prepare<[string], TlsPair>('SELECT key, cert FROM tls_identity WHERE name = ?')
  const write = db.prepare<[string, string, string]>('INSERT OR REPLACE INTO tls_identity (name, key, cert) VALUES (?, ?, ?)')
  return {
    get: (): TlsPair | undefined => read.get(SELF_SIGNED),
    put: ({ key, cert }: TlsPair): void => { write.run(SELF_SIGNED, key, cert) }
  }
}
