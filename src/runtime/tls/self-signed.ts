import { X509Certificate } from 'node:crypto'
import { isIP } from 'node:net'

/** A PEM private key and the PEM certificate (chain) it serves. */
export interface TlsPair {
  key: string
  cert: string
}

/** The names every generated certificate covers; `--tls-san` adds more. */
export const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1']

const DAY_MS = 86_400_000
/** Validity of a generated certificate; one kept in a file database is replaced this close to expiry. */
const VALID_DAYS = 365
const RENEW_DAYS = 30

/**
 * A self-signed certificate for `names` (DNS names and IP addresses, as subjectAltName entries:
 * clients match the SAN, not the CN, per RFC 6125), made with `selfsigned` on Node's WebCrypto.
 * P-256 keys: generated in milliseconds where RSA-2048 takes a third of a second, and cheaper
 * handshakes. Not a CA (basicConstraints CA:FALSE, extKeyUsage serverAuth): clients trust this one
 * certificate (curl --cacert, Node's `ca`, Python's verify=), which can vouch for nothing else.
 */
export async function generateSelfSigned (names: readonly string[], now: Date): Promise<TlsPair> {
  // Loaded only when asked for: most starts never make a certificate.
  const { generate } = await import('selfsigned')
  const pems = await generate([{ name: 'commonName', value: 'wks-emulator (local)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    // A little in the past, so a client whose clock lags the emulator's still accepts it.
    notBeforeDate: new Date(now.getTime() - DAY_MS),
    notAfterDate: new Date(now.getTime() + VALID_DAYS * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((name) => isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name }) }
    ]
  })
  return { key: pems.private, cert: pems.cert }
}

/** Whether a kept certificate still serves: it names every one of `names` and is not about to expire. */
export function stillUsable ({ cert }: TlsPair, names: readonly string[], now: Date): boolean {
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert)
  } catch {
    return false
  }
  if (new Date(x509.validTo).getTime() - now.getTime() < RENEW_DAYS * DAY_MS) return false
  return names.every((name) => isIP(name) === 0 ? x509.checkHost(name, { wildcards: false }) !== undefined : x509.checkIP(name) !== undefined)
}

/** The names a `--tls self-signed` certificate covers: the local ones and those of `--tls-san`. */
export function certificateNames (san: string | undefined): string[] {
  const extra = (san ?? '').split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '')
  return [...new Set([...LOCAL_NAMES, ...extra])]
}
