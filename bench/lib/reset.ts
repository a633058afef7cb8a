import { generateRecords } from '../../src/cli/generate/records.js'
import { stagesPath } from '../../test/documented.js'

const RESET_PROJECT = 'bench-reset'

async function call (url: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(url, init)
  const body = await res.text()
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${body}`)
  return body === '' ? undefined : JSON.parse(body)
}

/**
 * Fills one project namespace (records, a fault rule, journal entries), then times
 * `POST /_emulator/reset?project_id=` as a client sees it. Returns one sample per repetition.
 */
export async function timeNamespaceReset (base: string, repetitions: number, records = 200): Promise<number[]> {
  const json = { 'content-type': 'application/json' }
  const batch = [...generateRecords({ count: records, projects: 1, seed: 7 })].map((r) => ({ ...r, project_id: RESET_PROJECT }))
  const samples: number[] = []
  for (let i = 0; i < repetitions; i++) {
    await call(`${base}/_emulator/transactions`, { method: 'POST', headers: json, body: JSON.stringify({ transactions: batch }) })
    await call(`${base}/_emulator/faults`, { method: 'POST', headers: json, body: JSON.stringify({ match: { project_id: RESET_PROJECT, transaction_id: 'none' }, action: { status: 503 } }) })
    for (let j = 0; j < 20; j++) {
      const res = await fetch(base + stagesPath(RESET_PROJECT, batch[j].transaction_id), { headers: { 'X-Auth-Token': 'bench' } })
      await res.arrayBuffer()
    }
    await call(`${base}/_emulator/requests/count?project_id=${RESET_PROJECT}`)
    const started = performance.now()
    const result = await call(`${base}/_emulator/reset?project_id=${RESET_PROJECT}`, { method: 'POST' }) as { transactions: number }
    samples.push(performance.now() - started)
    if (result.transactions !== 0) throw new Error(`reset left ${result.transactions} records in ${RESET_PROJECT}`)
  }
  return samples
}
