import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { signRequest } from '../../src/runtime/wire/aksk-signature.js'
import type { FaultRule } from '../../src/schemas/faults.js'
import { DOC_BODY, DOC_PATH, DOC_PROJECT, stagesPath } from '../../test/documented.js'
import type { LoadSpec } from './load.js'
import type { ServerSpec } from './servers.js'

/** The bare servers' body, the documented example, passed to them in their environment. */
export const BARE_ENV = { WKS_BENCH_BODY: DOC_BODY }
const TOKEN = { 'X-Auth-Token': 'bench-token' }

export interface Scenario {
  id: string
  label: string
  /** Command-line flags of the emulator (or the baseline script's). */
  flags: string[]
  server: Omit<ServerSpec, 'logFile'>
  /** `https` when the emulator serves TLS (wrk and autocannon do not verify certificates). */
  scheme?: 'https'
  /** What the load generator sends; called before every measurement (a signature must be fresh). */
  load: (port: number) => Omit<LoadSpec, 'url' | 'durationS' | 'connections'> & { path: string }
}

export interface Inputs {
  dir: string
  serverJs: string
  bareJs: string
  bareHttpJs: string
  bigDb: string
  keysFile: string
  /** Paths of the fixture records, for (a) driven by the same random-key script as (e). */
  fixtureKeysFile: string
}

const AK = 'BENCHAKEXAMPLE000001'
const SK = 'bench-secret-key-not-a-real-one-0000000000'

/** X-Sdk-Date for now: YYYYMMDDTHHMMSSZ. */
const sdkDate = (): string => new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')

/** One signed GET, valid for the gateway's 15 minutes: wrk repeats the same headers for a whole run. */
function signedHeaders (port: number, path: string): Record<string, string> {
  const headers = { host: `127.0.0.1:${port}`, 'x-sdk-date': sdkDate() }
  const authorization = signRequest({ method: 'GET', url: path, headers }, AK, SK, ['host', 'x-sdk-date'])
  return { Host: headers.host, 'X-Sdk-Date': headers['x-sdk-date'], Authorization: authorization }
}

/**
 * 20,000 lookups of the fixtures, each signed anew: a random fixture and an X-Sdk-Date from the
 * last ten minutes (all valid for five more), so no two consecutive requests share a target, a date
 * and a signature, and the verifier's memory of its last request does not help. Written as lines
 * for bench/random-keys.lua: path, then tab-separated headers.
 */
function freshlySignedRequests (port: number, file: string, fixturePaths: string[]): void {
  const now = Date.now()
  const lines = Array.from({ length: 20_000 }, (_, i) => {
    const path = fixturePaths[i % fixturePaths.length]
    const date = new Date(now - ((i * 7919) % 600) * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '')
    const headers = { host: `127.0.0.1:${port}`, 'x-sdk-date': date }
    const authorization = signRequest({ method: 'GET', url: path, headers }, AK, SK, ['host', 'x-sdk-date'])
    return [path, `Host: ${headers.host}`, `X-Sdk-Date: ${date}`, `Authorization: ${authorization}`].join('\t')
  })
  writeFileSync(file, lines.join('\n') + '\n')
}

/** Twenty rules a lookup of the documented record never matches: other projects, transactions and a header. */
function nonMatchingRules (): FaultRule[] {
  const rules: FaultRule[] = []
  for (let i = 0; i < 8; i++) rules.push({ match: { project_id: `other-project-${i}` }, action: { status: 500 } })
  for (let i = 0; i < 6; i++) rules.push({ match: { project_id: DOC_PROJECT, transaction_id: `other-tx-${i}` }, action: { kind: 'delay', delay_ms: 100 }, probability: 0.5 })
  for (let i = 0; i < 6; i++) rules.push({ match: { header: { name: 'X-Chaos', value: `mode-${i}` } }, action: { kind: 'reset' } })
  return rules
}

/** The baseline and the emulator scenarios of the issue, with the files they need written to `dir`. */
export function scenarios ({ dir, serverJs, bareJs, bareHttpJs, bigDb, keysFile, fixtureKeysFile }: Inputs): Scenario[] {
  const faultsFile = join(dir, 'faults-20.json')
  writeFileSync(faultsFile, JSON.stringify({ faults: nonMatchingRules() }))
  const credentialsFile = join(dir, 'credentials.json')
  writeFileSync(credentialsFile, JSON.stringify({ aksk: [{ ak: AK, sk: SK }] }))

  const ready = { readyPath: DOC_PATH, readyHeaders: TOKEN }
  const emulator = (id: string, label: string, flags: string[], load?: Scenario['load'], readyHeaders: Record<string, string> = TOKEN): Scenario => ({
    id,
    label,
    flags,
    server: { name: id, args: [serverJs, '--port', '{port}', ...flags], readyPath: '/_emulator/health', readyHeaders },
    load: load ?? (() => ({ path: DOC_PATH, headers: TOKEN }))
  })
  const warn = ['--log-level', 'warn']
  // Every policy set, far above any rate reached: each request is counted three times and never refused.
  const generous = ['--rate-limit', 'api=1000000000/s,user=1000000000/s,ip=1000000000/s']
  return [
    { id: 'baseline', label: 'bare Fastify, same 200 body', flags: [], server: { name: 'baseline', args: [bareJs, '{port}'], env: BARE_ENV, ...ready }, load: () => ({ path: DOC_PATH }) },
    { id: 'bare-http', label: 'bare node:http, same 200 body serialised once', flags: [], server: { name: 'bare-http', args: [bareHttpJs, '{port}'], env: BARE_ENV, ...ready }, load: () => ({ path: DOC_PATH }) },
    emulator('a-info', '(a) default config, log level info', []),
    emulator('a-warn', '(a) default config, log level warn', warn),
    emulator('a-slow', '(a) at warn, --no-fast-path', [...warn, '--no-fast-path']),
    {
      ...emulator('a-tls', '(a) at warn over HTTPS (--tls self-signed, P-256; keep-alive, so few handshakes)', [...warn, '--tls', 'self-signed', '--tls-cert-out', join(dir, 'tls-cert.pem')]),
      scheme: 'https'
    },
    emulator('b', '(b) (a at warn) + 20 non-matching fault rules', [...warn, '--faults', faultsFile]),
    emulator('c', '(c) --auth strict, AK/SK-signed requests', [...warn, '--auth', 'strict', '--credentials', credentialsFile],
      (port) => ({ path: DOC_PATH, headers: signedHeaders(port, DOC_PATH) })),
    emulator('c-fresh', '(c) --auth strict, every request signed anew (20,000 signed lookups of the fixtures)', [...warn, '--auth', 'strict', '--credentials', credentialsFile],
      (port) => {
        const file = join(dir, 'signed-requests.txt')
        freshlySignedRequests(port, file, readFileSync(fixtureKeysFile, 'utf8').split('\n').filter(Boolean))
        return { path: DOC_PATH, pathsFile: file }
      }),
    emulator('d', '(d) --unknown-transaction generate, unknown id', [...warn, '--unknown-transaction', 'generate'],
      () => ({ path: stagesPath(DOC_PROJECT, 'never-stored-0001'), headers: TOKEN })),
    emulator('a-keys', '(a) at warn, random keys of the 13 fixtures (same load script as (e))', warn,
      () => ({ path: DOC_PATH, headers: TOKEN, pathsFile: fixtureKeysFile })),
    emulator('e', '(e) 1 M-row file DB, random keys', [...warn, '--db', bigDb],
      () => ({ path: DOC_PATH, headers: TOKEN, pathsFile: keysFile })),
    emulator('w1', 'file DB, --workers 1', [...warn, '--db', join(dir, 'workers-1.sqlite'), '--workers', '1']),
    emulator('w2', 'file DB, --workers 2', [...warn, '--db', join(dir, 'workers-2.sqlite'), '--workers', '2']),
    emulator('g', '(g) (a at warn) + a generous --rate-limit on api, user and ip (the cost of counting)', [...warn, ...generous]),
    emulator('w2g', 'file DB, --workers 2 + the generous --rate-limit (counts shared through SQLite)', [...warn, '--db', join(dir, 'workers-2g.sqlite'), '--workers', '2', ...generous])
  ]
}

/** Scenarios without a target of their own, measured in the first round only. */
export const FIRST_ROUND_ONLY: ReadonlySet<string> = new Set(['c-fresh', 'w2g'])

/** The measuring order of one round: the baseline again halfway, so every ratio has a near neighbour. */
export const ROUND_ORDER = ['baseline', 'bare-http', 'a-info', 'a-warn', 'a-slow', 'a-tls', 'b', 'c', 'c-fresh', 'g', 'baseline', 'd', 'a-keys', 'e', 'w1', 'w2', 'w2g']
