import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { BUNDLED_FIXTURES, resolveConfig, type Config } from '../../src/config/config.js'
import type { FaultRule } from '../../src/schemas/faults.js'
import type { JournalEntry } from '../../src/schemas/journal.js'
import { loadFixtures } from '../../src/store/fixtures.js'
import { captureLogs } from '../helper.js'
import type { KnownKeys } from './api-arbitraries.js'

/** A listening emulator whose log lines are kept, for the fuzzer to aim at and to judge. */
export interface FuzzServer {
  app: FastifyInstance
  port: number
  url: string
  /** Authorization header for the control plane, when the server has an admin token. */
  admin: Record<string, string>
  logLines: string[]
  /** How many answers of each kind (`200`, `400 WKS.0001`, `closed`) the fuzzer got, to show what it reached. */
  outcomes: Map<string, number>
  close: () => Promise<void>
}

export function countOutcome (server: FuzzServer, outcome: string): void {
  server.outcomes.set(outcome, (server.outcomes.get(outcome) ?? 0) + 1)
}

export async function startFuzzServer (overrides: Partial<Config> = {}): Promise<FuzzServer> {
  const { stream: logStream, lines: logLines } = captureLogs()
  const config = resolveConfig({ port: 0, logLevel: 'warn', seed: 7, ...overrides })
  const app = await buildApp(config, { logStream })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const admin: Record<string, string> = config.adminToken === undefined ? {} : { authorization: `Bearer ${config.adminToken}` }
  return { app, port, url: `http://127.0.0.1:${port}`, admin, logLines, outcomes: new Map(), close: () => app.close() }
}

/** Rules that fire on `X-Fuzz-Chaos: <kind>`, so the fuzzer can ask for each fault kind. */
export const CHAOS_RULES: FaultRule[] = [
  { id: 'chaos-reset', match: { header: { name: 'X-Fuzz-Chaos', value: 'reset' } }, action: { kind: 'reset' } },
  { id: 'chaos-malformed', match: { header: { name: 'X-Fuzz-Chaos', value: 'malformed' } }, action: { kind: 'malformed' } },
  { id: 'chaos-error', match: { header: { name: 'X-Fuzz-Chaos', value: 'error' } }, action: { kind: 'error', status: 503, error_code: 'FUZZ.503', error_msg: 'chaos' } },
  { id: 'chaos-delay', match: { header: { name: 'X-Fuzz-Chaos', value: 'delay' } }, action: { kind: 'delay', delay_ms: 2 } }
]

export async function addRules (server: FuzzServer, rules: FaultRule[]): Promise<void> {
  for (const rule of rules) {
    const res = await fetch(`${server.url}/_emulator/faults`, { method: 'POST', headers: { ...server.admin, 'content-type': 'application/json' }, body: JSON.stringify(rule) })
    if (res.status !== 201) throw new Error(`adding rule ${rule.id}: ${res.status} ${await res.text()}`)
  }
}

export function knownKeys (): KnownKeys {
  const records = loadFixtures(BUNDLED_FIXTURES)
  return { projects: [...new Set(records.map((r) => r.project_id))], transactions: records.map((r) => r.transaction_id) }
}

/**
 * Whether the journal shows a fault fired for this request id. The entry is written when the
 * response finishes, which may be a moment after the client has read it, hence the retries.
 */
export async function faultFired (server: FuzzServer, requestId: string, status: number): Promise<JournalEntry | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const res = await fetch(`${server.url}/_emulator/requests?status=${status}&limit=100`, { headers: server.admin })
    const { requests } = await res.json() as { requests: JournalEntry[] }
    const entry = requests.find((e) => e.request_id === requestId)
    if (entry) return entry.fault_id === undefined ? undefined : entry
    await new Promise((resolve) => setTimeout(resolve, 10 * (attempt + 1)))
  }
  return undefined
}

/** Everything a control request could change, as text to compare. */
export async function snapshot (server: FuzzServer): Promise<string> {
  const get = async (path: string) => {
    const res = await fetch(server.url + path, { headers: server.admin })
    return `${res.status} ${await res.text()}`
  }
  return [
    await get('/_emulator/transactions?limit=1000'),
    await get('/_emulator/faults'),
    await get('/_emulator/requests/count')
  ].join('\n')
}

/** Log lines at error level or above written since `from`. */
export function errorLines (server: FuzzServer, from: number): string[] {
  return server.logLines.slice(from).filter((line) => {
    try { return (JSON.parse(line) as { level?: number }).level! >= 50 } catch { return true }
  })
}
