import type { Config } from '../config/schema.js'
import { openDb, type Db } from '../store/db.js'
import { claimDatabase } from '../store/lock.js'
import { resolveTls, type TlsSetup } from './tls/material.js'
import type { TlsPair } from './tls/self-signed.js'

export { readTlsFiles } from './tls/material.js'

export interface Storage {
  db: Db
  /** Set when serving HTTPS: the pair served (kept in the database when self-signed). */
  tls?: TlsSetup
  /** Closes the database and gives up the claim on its file. */
  close: () => void
}

/**
 * Claims the database file (one emulator per file: a worker of `--workers N` serves the file its
 * primary claimed, `claim: false`), opens it and resolves the TLS pair, which a self-signed setup
 * keeps in it; HTTPS is chosen when the server is made, so this comes before Fastify. On a failure
 * part-way, what was opened is closed again before the error goes on.
 */
export async function openStorage (config: Config, tlsFiles: TlsPair | undefined, { claim = true }: { claim?: boolean } = {}): Promise<Storage> {
  const held = claim ? claimDatabase(config.db) : undefined
  let db: Db | undefined
  try {
    db = openDb(config.db, { shared: config.workers > 1 })
    const tls = await resolveTls(config, db, tlsFiles, { writeCertificate: claim })
    const opened = db
    return { db, tls, close: () => { opened.close(); held?.release() } }
  } catch (err) {
    db?.close()
    held?.release()
    throw err
  }
}
