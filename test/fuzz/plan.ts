import fc from 'fast-check'
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

export const CAMPAIGNS: Campaign[] = [
  {
    name: 'api (relaxed auth, chaos rules, Prefer)',
    share: 0.4,
    run: (numRuns, seed) => withServer(async () => {
      const server = await startFuzzServer({ auth: 'relaxed' })
      await addRules(server, CHAOS_RULES)
      return server
    }, async (server) => { await fc.assert(apiProperty(server, knownKeys()), settings(numRuns, seed)) })
  },
  {
    name: 'api (auth off, generated records)',
    share: 0.1,
    run: (numRuns, seed) => withServer(() => startFuzzServer({ auth: 'off', unknownTransaction: 'generate' }),
      async (server) => { await fc.assert(apiProperty(server, knownKeys()), settings(numRuns, seed)) })
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
