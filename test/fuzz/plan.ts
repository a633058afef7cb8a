import fc from 'fast-check'
import type { Config } from '../../src/config/config.js'
import { apiProperty } from './api-property.js'
import { TEN_MB_BODY } from './control-arbitraries.js'
import { adminTokenProperty, checkControlRequest, controlProperty } from './control-property.js'
import { garbageProperty } from './garbage-property.js'
import { addRules, CHAOS_RULES, knownKeys, startFuzzServer, type FuzzServer } from './harness.js'

export const ADMIN_TOKEN = 'fuzz-admin-secret'

/** One fuzzing campaign: a server set up for it, and the property run against it. */
export interface Campaign {
  name: string
  /** Its part of the total runs. */
  share: number
  run: (numRuns: number, seed: number) => Promise<{ outcomes: Map<string, number> }>
}

async function withServer (start: () => Promise<FuzzServer>, body: (server: FuzzServer) => Promise<void>) {
  const server = await start()
  try {
    await body(server)
    // Whatever was thrown at it, it still answers.
    const health = await fetch(`${server.url}/_emulator/health`, { headers: server.admin })
    if (health.status !== 200) throw new Error(`health answered ${health.status} after the campaign`)
    return { outcomes: server.outcomes }
  } finally {
    await server.close()
  }
}

const settings = (numRuns: number, seed: number) => ({ numRuns, seed, endOnFailure: false })

/** The journal as text, but for what differs between two runs of one campaign (ids, times, durations). */
async function journalText (server: FuzzServer): Promise<string> {
  const res = await fetch(`${server.url}/_emulator/requests`, { headers: server.admin })
  return (await res.text()).replace(/"(request_id|time|duration_ms)":("[^"]*"|[0-9.e-]+)/g, '"$1":"…"')
}

/**
 * An API campaign against the emulator with its fast path and, request by request, the same
 * emulator without it: besides every invariant, the two must give the same answers, count the
 * same outcomes and journal the same entries.
 */
async function withTwins (start: (overrides: Partial<Config>) => Promise<FuzzServer>, body: (server: FuzzServer, twin: FuzzServer) => Promise<void>) {
  const twin = await start({ fastPath: false })
  try {
    return await withServer(() => start({}), async (server) => {
      await body(server, twin)
      const counts = (s: FuzzServer): string => JSON.stringify([...s.outcomes].sort())
      if (counts(server) !== counts(twin)) throw new Error(`outcomes differ without the fast path:\n${counts(server)}\n${counts(twin)}`)
      if (await journalText(server) !== await journalText(twin)) throw new Error('the journals differ without the fast path')
    })
  } finally {
    await twin.close()
  }
}

const withChaos = (base: Partial<Config>) => async (overrides: Partial<Config>): Promise<FuzzServer> => {
  const server = await startFuzzServer({ ...base, ...overrides })
  await addRules(server, CHAOS_RULES)
  return server
}

export const CAMPAIGNS: Campaign[] = [
  {
    name: 'api (relaxed auth, chaos rules, Prefer), fast path on and off',
    share: 0.4,
    run: (numRuns, seed) => withTwins(withChaos({ auth: 'relaxed' }),
      async (server, twin) => { await fc.assert(apiProperty(server, knownKeys(), twin), settings(numRuns, seed)) })
  },
  {
    name: 'api (auth off, generated records), fast path on and off',
    share: 0.1,
    run: (numRuns, seed) => withTwins((overrides) => startFuzzServer({ auth: 'off', unknownTransaction: 'generate', ...overrides }),
      async (server, twin) => { await fc.assert(apiProperty(server, knownKeys(), twin), settings(numRuns, seed)) })
  },
  {
    name: 'control plane bodies and queries',
    share: 0.25,
    run: (numRuns, seed) => withServer(() => startFuzzServer(), async (server) => {
      // A 10 MB string field, past the body limit, once per campaign.
      await checkControlRequest(server, { method: 'POST', target: '/_emulator/transactions', contentType: 'application/json', body: TEN_MB_BODY })
      await fc.assert(controlProperty(server), settings(numRuns, seed))
    })
  },
  {
    name: 'control plane behind --admin-token',
    share: 0.1,
    run: (numRuns, seed) => withServer(() => startFuzzServer({ adminToken: ADMIN_TOKEN }),
      async (server) => { await fc.assert(adminTokenProperty(server, ADMIN_TOKEN), settings(numRuns, seed)) })
  },
  {
    name: 'raw bytes (mangled, cut, pipelined)',
    share: 0.15,
    run: (numRuns, seed) => withServer(async () => {
      const server = await startFuzzServer()
      await addRules(server, CHAOS_RULES)
      return server
    }, async (server) => { await fc.assert(garbageProperty(server, knownKeys()), settings(numRuns, seed)) })
  }
]

/** Runs for one campaign out of a total, at least one. */
export const runsOf = (campaign: Campaign, total: number): number => Math.max(1, Math.round(campaign.share * total))
