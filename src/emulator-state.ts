import type { Config } from './config.js'
import { createFaultStore } from './faults/store.js'
import { createRingJournal } from './journal/ring.js'
import { createSqliteJournal } from './journal/sqlite.js'
import { rngFromSeed, type Rng } from './random.js'
import type { TransactionRecord } from './schemas/access-stages.js'
import type { ResetResult } from './schemas/control.js'
import type { FaultRule } from './schemas/faults.js'
import { sharedByProcesses, type Db } from './store/db.js'
import { createTransactionStore } from './store/transactions.js'

export interface StateOptions {
  /**
   * Write the fixtures and start-up fault rules now (default). Workers of `--workers N` pass false:
   * the primary process has done it once, before they started, on the database they share.
   */
  seed?: boolean
}

/** Everything the emulator holds, and the one way back to its start state. */
export function createEmulatorState (db: Db, config: Config, fixtures: readonly TransactionRecord[], startupFaults: readonly FaultRule[], { seed = true }: StateOptions = {}) {
  const transactions = createTransactionStore(db)
  const faults = createFaultStore(db)
  // Workers of one file database share the journal through it; a single process keeps its own.
  const journal = sharedByProcesses(db) ? createSqliteJournal(db, config.journalSize) : createRingJournal(config.journalSize)
  const fixturesByProject = new Map<string, TransactionRecord[]>()
  for (const record of fixtures) {
    const list = fixturesByProject.get(record.project_id) ?? []
    list.push(record)
    fixturesByProject.set(record.project_id, list)
  }
  let random = rngFromSeed(config.seed)
  const rng: Rng = () => random()

  if (seed) {
    transactions.putMany(fixtures)
    faults.restore(undefined, startupFaults)
  }

  const restoreAll = db.transaction((projectId: string | undefined) => {
    transactions.replace(projectId, projectId === undefined ? fixtures : fixturesByProject.get(projectId) ?? [])
    faults.restore(projectId, startupFaults)
    journal.clear(projectId)
  })

  return {
    transactions,
    faults,
    journal,
    rng,
    /**
     * Back to the start state (fixtures, start-up fault rules, empty journal) for one project's
     * namespace, touching only its rows, or for everything (which also re-seeds the PRNG).
     */
    reset (projectId?: string): ResetResult {
      // One transaction for the three stores: a crash part-way leaves the namespace as it was, never half reset.
      restoreAll.immediate(projectId)
      if (projectId === undefined) random = rngFromSeed(config.seed)
      return { transactions: transactions.count(projectId), faults: faults.count() }
    }
  }
}
export type EmulatorState = ReturnType<typeof createEmulatorState>
