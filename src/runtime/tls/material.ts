import { X509Certificate, createPrivateKey } from 'node:crypto'
import { renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSecureContext } from 'node:tls'
import { ConfigError } from '../../config/error.js'
import { readStartupFile } from '../../config/json-file.js'
import type { Config } from '../../config/schema.js'
import type { Db } from '../../store/db.js'
import { createTlsIdentityStore } from './identity-store.js'
import { certificateNames, generateSelfSigned, stillUsable, type TlsPair } from './self-signed.js'

/** What the HTTPS server serves, and where a generated certificate was written for clients. */
export interface TlsSetup extends TlsPair {
  /** `--tls self-signed`: the file clients trust (curl --cacert, NODE_EXTRA_CA_CERTS, verify=). */
  certificateFile?: string
}

/**
 * `--tls-cert`/`--tls-key`: the PEM files, read and checked to match at start, so a wrong path,
 * an unreadable file (a mounted volume's owner and mode) or a key of another certificate stops
 * start-up with one line rather than failing each handshake.
 */
export function readTlsFiles (config: Pick<Config, 'tlsCert' | 'tlsKey'>): TlsPair | undefined {
  if (config.tlsCert === undefined || config.tlsKey === undefined) return undefined
  const pair = { cert: readPem('--tls-cert', config.tlsCert), key: readPem('--tls-key', config.tlsKey) }
  try {
    // eslint-disable-next-line no-new -- parsing is the check
    new X509Certificate(pair.cert)
  } catch {
    throw new ConfigError(`--tls-cert ${config.tlsCert} holds no PEM certificate`)
  }
  try {
    createPrivateKey(pair.key)
  } catch {
    throw new ConfigError(`--tls-key ${config.tlsKey} holds no unencrypted PEM private key`)
  }
  try {
    createSecureContext(pair)
  } catch (err) {
    throw new ConfigError(`--tls-key ${config.tlsKey} is not the key of --tls-cert ${config.tlsCert} (${(err as Error).message})`)
  }
  return pair
}

/** A PEM file through the one guarded loader: a device, FIFO or file over 256 MiB is one line, not a hang. */
function readPem (flag: string, file: string): string {
  const who = process.getuid === undefined ? '' : ` by uid ${process.getuid()}`
  return readStartupFile(file, flag, { unreadable: (code) => `cannot read ${flag} ${file}: ${code === 'EACCES' ? `not readable${who}` : code}` })
}

/**
 * `--tls self-signed`: the pair kept in the database when it still names every wanted name and is
 * not about to expire, else a new one, kept for the next start (a `:memory:` database keeps it for
 * this run only).
 */
export async function selfSignedPair (db: Db, san: string | undefined, now = new Date()): Promise<TlsPair> {
  const store = createTlsIdentityStore(db)
  const names = certificateNames(san)
  const kept = store.get()
  if (kept !== undefined && stillUsable(kept, names, now)) return kept
  const pair = await generateSelfSigned(names, now)
  store.put(pair)
  return pair
}

/**
 * Where the certificate goes for clients: `--tls-cert-out`, else a file in the temp directory named
 * after the certificate's fingerprint, so emulators serving different certificates never share one.
 */
export function certificateFileFor (cert: string, certOut: string | undefined): string {
  if (certOut !== undefined) return certOut
  const fingerprint = new X509Certificate(cert).fingerprint256.replace(/:/g, '').slice(0, 16).toLowerCase()
  return join(tmpdir(), `wks-emulator-${fingerprint}.pem`)
}

/** Writes the certificate whole or not at all (a client never reads half a file), readable by all. */
export function writeCertificate (file: string, cert: string): void {
  const partial = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(partial, cert, { mode: 0o644 })
    renameSync(partial, file)
  } catch (err) {
    throw new ConfigError(`cannot write the TLS certificate to ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}

export interface ResolveOptions {
  /** False in the workers of `--workers N`: the primary wrote the certificate file already. */
  writeCertificate?: boolean
}

/** The TLS set-up of a config, or undefined to serve plain HTTP. */
export async function resolveTls (config: Config, db: Db, files: TlsPair | undefined, { writeCertificate: write = true }: ResolveOptions = {}): Promise<TlsSetup | undefined> {
  if (files !== undefined) return files
  if (config.tls !== 'self-signed') return undefined
  const pair = await selfSignedPair(db, config.tlsSan)
  const certificateFile = certificateFileFor(pair.cert, config.tlsCertOut)
  if (write) writeCertificate(certificateFile, pair.cert)
  return { ...pair, certificateFile }
}
