import { isIP } from 'node:net'
import { ConfigError } from './error.js'
import type { ConfigOptions } from './schema.js'

/** TLS flags that only make sense together, or not at all. */
export function checkTls ({ tls, tlsCert, tlsKey, tlsCertOut, tlsSan }: ConfigOptions): void {
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new ConfigError('--tls-cert and --tls-key go together')
  if (tls !== undefined && tlsCert !== undefined) throw new ConfigError('--tls self-signed and --tls-cert/--tls-key exclude each other')
  if (tls === undefined && tlsCertOut !== undefined) throw new ConfigError('--tls-cert-out needs --tls self-signed')
  if (tls === undefined && tlsSan !== undefined) throw new ConfigError('--tls-san needs --tls self-signed')
  if (tlsSan !== undefined) {
    for (const name of tlsSan.split(',')) {
      if (isIP(name.trim()) === 0 && !isDnsName(name.trim())) throw new ConfigError(`invalid --tls-san ${JSON.stringify(name.trim())}: expected a DNS name or an IP address`)
    }
  }
}

// Labels of letters, digits and hyphens (RFC 1123), a leading `*.` allowed.
const DNS_NAME = /^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

/**
 * A host name a certificate can name: RFC 1123 labels, at most 253 characters, and a last label
 * that is not all digits (RFC 3696 §2), so a mistyped address such as 999.1.1.1 is not taken for a name.
 */
const isDnsName = (name: string): boolean => name.length <= 253 && DNS_NAME.test(name) && !/(?:^|\.)\d+$/.test(name)

/** Flags that need another flag, or a file database, to mean anything. */
export function checkCombinations (config: ConfigOptions): void {
  if (config.workers > 1 && config.db === ':memory:') {
    throw new ConfigError(`--workers ${config.workers} needs a file --db: each worker would have a :memory: database of its own`)
  }
  if (config.unknownTransaction === 'proxy' && config.upstream === undefined) {
    throw new ConfigError('--unknown-transaction proxy needs --upstream URL, the service to forward to')
  }
  if ((config.record || config.upstreamCredentials !== undefined) && config.unknownTransaction !== 'proxy') {
    throw new ConfigError(`${config.record ? '--record' : '--upstream-credentials'} needs --unknown-transaction proxy`)
  }
}
