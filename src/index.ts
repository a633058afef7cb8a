import type { FastifyInstance } from 'fastify'
import { AdminClient, type RequestFilter } from './control/admin-client.js'
import { buildApp } from './app.js'
import { resolveConfig, type ConfigOptions } from './config/config.js'
import { ConfigError } from './config/error.js'
import type { TransactionRecord } from './schemas/access-stages.js'
import type { CredentialsFile } from './schemas/credentials.js'
import type { FaultRule, FaultRuleView } from './schemas/faults.js'
import type { JournalEntry } from './schemas/journal.js'
import type { ResetResult } from './schemas/control.js'

export { AdminClient, AdminError, type RequestFilter } from './control/admin-client.js'
export { buildApp } from './app.js'
export type { Config } from './config/config.js'
export type { AccessStagesBody, TransactionRecord, UserAccessStage } from './schemas/access-stages.js'
export type { CredentialsFile } from './schemas/credentials.js'
export type { FaultRule, FaultRuleView } from './schemas/faults.js'
export type { JournalEntry } from './schemas/journal.js'
export type { RateLimits, RateLimitsState } from './schemas/rate-limits.js'
export type { ClockView } from './schemas/clock.js'
export type { StateCounts, StateDocument } from './schemas/state.js'
export type { DriftKind, DriftReport } from './schemas/upstream.js'

/**
 * The CLI's options, camelCased (`unknownTransaction` for --unknown-transaction); all optional.
 * `credentials` (for `auth: 'strict'`) is the credentials file's content as an object, or its path.
 */
export type EmulatorOptions = Partial<Omit<ConfigOptions, 'credentials' | 'credentialsJson'>> & { credentials?: string | CredentialsFile }

export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:41234 (https:// with TLS): point the SDK's endpoint here. */
  url: string
  /** With TLS: the PEM certificate served, for clients to trust (Node's `ca`). */
  certificate?: string
  port: number
  /** The control plane of this emulator. */
  admin: AdminClient
  seed: (records: TransactionRecord | TransactionRecord[]) => Promise<number>
  addFault: (rule: FaultRule) => Promise<FaultRuleView>
  requests: (filter?: RequestFilter) => Promise<JournalEntry[]>
  reset: (projectId?: string) => Promise<ResetResult>
  close: () => Promise<void>
  app: FastifyInstance
}

/**
 * Starts an emulator inside the current process, on 127.0.0.1 and a free port unless told otherwise,
 * with logging off. The same app the CLI runs, steered through its control plane.
 */
export async function startEmulator (options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { credentials, ...rest } = options
  const source = typeof credentials === 'object' ? { credentialsJson: JSON.stringify(credentials) } : { credentials }
  const config = resolveConfig({ port: 0, logLevel: 'silent', ...rest, ...source })
  if (config.workers > 1) throw new ConfigError('workers: startEmulator() serves from this process; run the CLI with --workers for more')
  const app = await buildApp(config)
  await app.listen({ host: config.host, port: config.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `${app.tls === undefined ? 'http' : 'https'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  const admin = new AdminClient(url, { adminToken: config.adminToken, ca: app.tls?.certificate })
  return {
    url,
    port,
    certificate: app.tls?.certificate,
    admin,
    app,
    seed: (records) => admin.seed(records),
    addFault: (rule) => admin.addFault(rule),
    requests: (filter) => admin.requests(filter),
    reset: (projectId) => admin.reset(projectId),
    close: () => app.close()
  }
}
