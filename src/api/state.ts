import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config/schema.js'
import { createFaultStore } from './faults/store.js'
import { createRingJournal } from '../store/journal/ring.js'
import { createSqliteJournal } from '../store/journal/sqlite.js'
import { createClock } from '../store/clock.js'
import { latencyRngFor } from './faults/latency.js'
import { rngFromSeed, type Rng } from '../runtime/random.js'
import type { TransactionRecord } from '../schemas/access-stages.js'
import type { ResetResult } from '../schemas/control.js'
import type { FaultRule } from '../schemas/faults.js'
import { sharedByProcesses, type Db } from '../store/db.js'
import { createSettingsStore } from '../store/settings.js'
import { createTransactionStore } from '../store/transactions.js'
import { createMemoryCounters, createSqliteCounters } from './throttle/counter.js'
import type { PolicySet } from './throttle/policies.js'
import { createRateLimits } from './throttle/rate-limits.js'

export interface StateOptions {
  /**
   * Load this run's fixtures and start-up fault rules now (default). Workers of `--workers N` pass
   * false: the primary process has done it once, before they started, on the database they share.
   */
  seed?: boolean
  /** The host's clock, epoch ms (tests freeze it; the emulator's clock adds the offset to it). */
  hostClock?: () => number
  /** Where a background write the database refused is told (once per run of failures). */
  log?: Pick<FastifyBaseLogger, 'warn'>
}

/**
 * Everything the emulator holds, and the one way back to its start state.
 *
 * The start state is the fixtures and start-up fault rules of this run and the records the file
 * held before start; run-time changes (records and fault rules added, replaced or deleted through
 * the control plane) are kept apart from it, in the same file, so that they survive restarts and
 * crashes, win over a refreshed start state, and go away only on a reset.
 */
export function createEmulatorState (db: Db, config: Config, fixtures: readonly TransactionRecord[], startupFaults: readonly FaultRule[], { seed = true, hostClock = Date.now, log }: StateOptions = {}) {
  const transactions = createTransactionStore(db)
  const faults = createFaultStore(db)
  // Workers of one file database share the journal through it; a single process keeps its own.
  const onDeferred = (err: Error): void => log?.warn({ err: { code: (err as NodeJS.ErrnoException).code, message: err.message } }, 'journal write deferred: the database refused it (another process holds the write lock?); retrying with back-off')
  const journal = sharedByProcesses(db) ? createSqliteJournal(db, config.journalSize, { onDeferred }) : createRingJournal(config.journalSize)
  let random = rngFromSeed(config.seed)
  const rng: Rng = () => random()
  let latencyRandom = latencyRngFor(config.seed)
  const latencyRng: Rng = () => latencyRandom()

  const startPolicies: PolicySet = { global: config.rateLimitPolicies ?? {}, projects: {} }
  const settings = createSettingsStore(db, { clockOffsetMs: config.clockOffset, rateLimits: startPolicies })
  const clock = createClock(() => settings.get('clockOffsetMs'), hostClock)
  // Workers of one file count calls in it, so a limit holds for the cluster; one process counts in memory.
  const rateLimits = createRateLimits(settings, sharedByProcesses(db) ? createSqliteCounters(db) : createMemoryCounters(), clock)

  if (seed) {
    transactions.loadFixtures(fixtures)
    faults.loadStartup(startupFaults)
    // Counts are not state worth keeping: a start begins every window afresh.
    rateLimits.counters.clear()
  }

  const restoreAll = db.transaction((projectId: string | undefined) => {
    transactions.resetChanges(projectId)
    faults.restore(projectId, startupFaults)
    journal.clear(projectId)
    rateLimits.restore(projectId)
    if (projectId === undefined) settings.restore()
  })

  // Written with the stores' public operations only, so it keeps whatever they mean by a change.
  const replaceAll = db.transaction((projectId: string | undefined, records: readonly TransactionRecord[], rules: readonly FaultRule[]) => {
    if (projectId === undefined) {
      for (const { project_id: project } of transactions.projects()) transactions.deleteProject(project)
      faults.clear()
    } else {
      transactions.deleteProject(projectId)
      for (const rule of faults.rules(projectId)) faults.remove(rule.id!)
    }
    transactions.putMany(records)
    faults.addAll(rules)
  })

  return {
    transactions,
    faults,
    journal,
    rng,
    latencyRng,
    settings,
    clock,
    rateLimits,
    /**
     * Back to the start state (fixtures, the file's records from before start, start-up fault
     * rules, empty journal, start-up throttling policies with fresh counts) for one project's
     * namespace, or for everything (which also re-seeds the PRNGs and puts the clock back to
     * --clock-offset). Only run-time changes are dropped, so it costs what they hold, not the file's size.
     */
    reset (projectId?: string): ResetResult {
      // One transaction for the three stores: a crash part-way leaves the namespace as it was, never half reset.
      restoreAll.immediate(projectId)
      if (projectId === undefined) {
        random = rngFromSeed(config.seed)
        latencyRandom = latencyRngFor(config.seed)
      }
      return { transactions: transactions.count(projectId), faults: faults.count() }
    },
    /**
     * Replaces the records and fault rules of one project's namespace, or of everything, in one
     * transaction (a snapshot put back): all is replaced or nothing. The journal stays.
     */
    replace (projectId: string | undefined, records: readonly TransactionRecord[], rules: readonly FaultRule[]): { transactions: number, faults: number } {
      replaceAll.immediate(projectId, records, rules)
      return { transactions: transactions.count(projectId), faults: faults.rules(projectId).length }
    }
  }
}
export type EmulatorState = ReturnType<typeof createEmulatorState>
