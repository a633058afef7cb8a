import type { IncomingHttpHeaders } from 'node:http'
import { sharedByProcesses, type Db } from '../../store/db.js'
import type { TransactionKey } from '../../runtime/wire/http.js'
import type { Rng } from '../../runtime/random.js'
import type { FaultRule, FaultRuleView } from '../../schemas/faults.js'
import { FaultRuleError, faultRuleProblem } from './rule-check.js'
import { isSpent, ruleMatcher, selectMatched, type FaultDecision, type FaultRequest, type RuleMatcher, type RuleState } from './select.js'

export const MAX_FAULT_RULES = 1000

type Row = { id: string, rule: string, matched: number, fired: number }
/** A rule as cached: its matcher made once, `order` its place among all rules. */
type CachedRule = { id: string, rule: FaultRule, matches: RuleMatcher, order: number }

/** The rules in order, and indexed by the project they are limited to. */
interface RuleCache { all: CachedRule[], anyProject: CachedRule[], byProject: Map<string, CachedRule[]> }

function indexRules (all: CachedRule[]): RuleCache {
  const anyProject: CachedRule[] = []
  const byProject = new Map<string, CachedRule[]>()
  for (const r of all) {
    const project = r.rule.match?.project_id
    if (project === undefined) anyProject.push(r)
    else byProject.set(project, [...byProject.get(project) ?? [], r])
  }
  return { all, anyProject, byProject }
}

/**
 * The rules a request matches, in order, each tried once: those for any project and those for
 * the request's own (undefined when none, the common case, which then costs no array).
 */
function matchingRules ({ anyProject, byProject }: RuleCache, req: FaultRequest): CachedRule[] | undefined {
  let found: CachedRule[] | undefined
  for (const r of anyProject) if (r.matches(req)) (found ??= []).push(r)
  const own = req.projectId === undefined ? undefined : byProject.get(req.projectId)
  if (own === undefined) return found
  const before = found?.length ?? 0
  for (const r of own) if (r.matches(req)) (found ??= []).push(r)
  // Two runs in order each; merged back into the order the rules are tried in.
  if (before > 0 && found!.length > before) found!.sort((a, b) => a.order - b.order)
  return found
}

/**
 * Fault rules and their counters, in SQLite so that every worker on one database file shares them.
 * The rule list is cached and reloaded only when its version row changes; counters are read and
 * written inside one IMMEDIATE transaction per matching request, so `after`/`times` stay exact
 * under concurrency, across processes too.
 */
export function createFaultStore (db: Db) {
  const version = db.prepare<[], number>("SELECT version FROM state_version WHERE name = 'faults'").pluck()
  const bumpVersion = db.prepare("UPDATE state_version SET version = version + 1 WHERE name = 'faults'")
  const all = db.prepare<[], Row>('SELECT id, rule, matched, fired FROM fault_rules ORDER BY seq')
  const counters = db.prepare<[string], { matched: number, fired: number }>('SELECT matched, fired FROM fault_rules WHERE id = ?')
  const setCounters = db.prepare<[number, number, string]>('UPDATE fault_rules SET matched = ?, fired = ? WHERE id = ?')
  const count = db.prepare<[], number>('SELECT count(*) FROM fault_rules').pluck()
  const nextSeq = db.prepare<[], number>('SELECT max(coalesce(max(seq), 0), 0) + 1 FROM fault_rules').pluck()
  // A rule added at run time replaces one of the same id in place (same position), as a run-time rule.
  const upsert = db.prepare<[string, string | null, string]>(
    'INSERT INTO fault_rules (id, project_id, rule, startup) VALUES (?, ?, ?, 0) ' +
    'ON CONFLICT (id) DO UPDATE SET project_id = excluded.project_id, rule = excluded.rule, startup = 0, matched = 0, fired = 0')
  const putStartup = db.prepare<[number, string, string | null, string, number, number]>(
    'INSERT INTO fault_rules (seq, id, project_id, rule, startup, matched, fired) VALUES (?, ?, ?, ?, 1, ?, ?)')
  const occupant = db.prepare<[number], string>('SELECT id FROM fault_rules WHERE seq = ?').pluck()
  const startupRows = db.prepare<[], { id: string, rule: string, matched: number, fired: number }>('SELECT id, rule, matched, fired FROM fault_rules WHERE startup = 1')
  const runtimeIds = db.prepare<[], string>('SELECT id FROM fault_rules WHERE startup = 0').pluck()
  const lowestSeq = db.prepare<[], number>('SELECT min(coalesce(min(seq), 0), 0) FROM fault_rules').pluck()
  const removeStartup = db.prepare('DELETE FROM fault_rules WHERE startup = 1')
  const removeOne = db.prepare<[string]>('DELETE FROM fault_rules WHERE id = ?')
  const removeAll = db.prepare('DELETE FROM fault_rules')
  const removeProject = db.prepare<[string]>('DELETE FROM fault_rules WHERE project_id = ?')
  // A rule deleted at run time stays deleted across restarts until a reset, start-up rules included.
  const bury = db.prepare<[string]>('INSERT OR IGNORE INTO fault_tombstones (id, project_id) SELECT id, project_id FROM fault_rules WHERE id = ?')
  const buryAll = db.prepare('INSERT OR IGNORE INTO fault_tombstones (id, project_id) SELECT id, project_id FROM fault_rules')
  const buried = db.prepare<[], string>('SELECT id FROM fault_tombstones').pluck()
  const unburyAll = db.prepare('DELETE FROM fault_tombstones')
  const unburyProject = db.prepare<[string]>('DELETE FROM fault_tombstones WHERE project_id = ?')

  // When other processes (workers) share the database file, any of them can change the rules, so
  // each request compares the version row. Nothing else can reach a :memory: database or a file
  // held in exclusive locking mode: there the cache is dropped by this store's own writes and a
  // request pays no query at all.
  const shared = sharedByProcesses(db)
  let cachedVersion = -1
  let cached: RuleCache = indexRules([])
  const cache = (): RuleCache => {
    if (!shared && cachedVersion !== -1) return cached
    const v = version.get()!
    if (v !== cachedVersion) {
      cached = indexRules(all.all().map((r, order) => { const rule = JSON.parse(r.rule) as FaultRule; return { id: r.id, rule, matches: ruleMatcher(rule), order } }))
      cachedVersion = v
    }
    return cached
  }
  const bump = (): void => {
    bumpVersion.run()
    cachedVersion = -1
  }

  const insert = (rule: FaultRule): FaultRule => {
    const id = rule.id ?? `fault-${nextSeq.get()}`
    const stored = { ...rule, id }
    upsert.run(id, rule.match?.project_id ?? null, JSON.stringify(stored))
    return stored
  }

  // Start-up rules go before every rule added at run time, in file order (negative seqs): rule i of
  // n sits at below - n + i, so a reset puts each back in its own place. Should that place be held
  // by another rule (one replaced at run time keeps its place), it goes before all instead.
  type Counters = Map<string, { rule: string, matched: number, fired: number }>
  const insertStartup = (startup: readonly FaultRule[], keep: (rule: FaultRule) => boolean, below: number, counters: Counters = new Map()): void => {
    startup.forEach((rule, i) => {
      if (!keep(rule)) return
      const text = JSON.stringify(rule)
      const kept = counters.get(rule.id!)
      const [matched, fired] = kept !== undefined && kept.rule === text ? [kept.matched, kept.fired] : [0, 0]
      removeOne.run(rule.id!)
      let seq = below - startup.length + i
      if (occupant.get(seq) !== undefined) seq = lowestSeq.get()! - 1
      putStartup.run(seq, rule.id!, rule.match?.project_id ?? null, text, matched, fired)
    })
  }

  // At start: the start-up rules of this run's --faults file. An unchanged rule keeps its counters;
  // rules added, replaced or deleted at run time stay as they are (run-time changes win until a reset).
  const loadStartup = db.transaction((startup: readonly FaultRule[]) => {
    const previous = new Map(startupRows.all().map((r) => [r.id, r]))
    removeStartup.run()
    const shadowed = new Set([...runtimeIds.all(), ...buried.all()])
    insertStartup(startup, (r) => !shadowed.has(r.id!), lowestSeq.get()!, previous)
    bump()
  })

  // `seen` is the cache `matching` came from: should another process have changed the rules since
  // (the version is read again under the write lock), the request is matched against the new ones.
  const evaluate = db.transaction((req: FaultRequest, seen: RuleCache, matching: CachedRule[], rng: Rng): FaultDecision | undefined => {
    const now = cache()
    const rules = now === seen ? matching : matchingRules(now, req) ?? []
    const states: RuleState[] = rules.map((r) => ({ id: r.id, rule: r.rule, ...counters.get(r.id)! }))
    const { decision, counters: updated } = selectMatched(states, rng)
    for (const c of updated) setCounters.run(c.matched, c.fired, c.id)
    return decision
  })

  // Every rule is checked here, whoever adds it; `place` is where it sits in what was sent ('' for a body).
  const add = db.transaction((rule: FaultRule, place: string): FaultRuleView => {
    const problem = faultRuleProblem(rule)
    if (problem !== undefined) throw new FaultRuleError(`field ${place}${problem}`)
    if (count.get()! >= MAX_FAULT_RULES && (rule.id === undefined || counters.get(rule.id) === undefined)) {
      throw new FaultRuleError(`at most ${MAX_FAULT_RULES} fault rules may exist; delete some first`)
    }
    const stored = insert(rule)
    bump()
    return { ...stored, id: stored.id!, matched: 0, fired: 0, spent: false }
  })

  const restore = db.transaction((projectId: string | undefined, startup: readonly FaultRule[]) => {
    if (projectId === undefined) { removeAll.run(); unburyAll.run() } else { removeProject.run(projectId); unburyProject.run(projectId) }
    // Each start-up rule of the namespace goes back to its own place, with fresh counters.
    insertStartup(startup, (rule) => projectId === undefined || rule.match?.project_id === projectId, 0)
    bump()
  })

  const addAll = db.transaction((rules: readonly FaultRule[]): void => {
    rules.forEach((rule, i) => add(rule, `faults[${i}].`))
  })

  const changed = <T>(fn: () => T): T => db.transaction(() => { const out = fn(); bump(); return out }).immediate()

  return {
    /** The decision for one request, with its counters stored; undefined when no rule fires. */
    select (key: TransactionKey, headers: IncomingHttpHeaders, rng: Rng): FaultDecision | undefined {
      // Most requests match no rule: decide that from the cache, without a write transaction,
      // trying only the rules for any project and those for the request's own.
      const seen = cache()
      if (seen.all.length === 0) return undefined
      const req: FaultRequest = { projectId: key.projectId, transactionId: key.transactionId, headers }
      const matching = matchingRules(seen, req)
      return matching === undefined ? undefined : evaluate.immediate(req, seen, matching, rng)
    },
    /** Adds a rule (one of the same id is replaced, counters reset); a FaultRuleError when it is refused. */
    add: (rule: FaultRule): FaultRuleView => add.immediate(rule, ''),
    /** Adds the rules of a state document's `faults` in order, all or none; a refusal names faults[i]. */
    addAll: (rules: readonly FaultRule[]): void => addAll.immediate(rules),
    list: (): FaultRuleView[] => all.all().map((r) => {
      const rule = JSON.parse(r.rule) as FaultRule & { id: string }
      return { ...rule, matched: r.matched, fired: r.fired, spent: isSpent({ id: r.id, rule, matched: r.matched, fired: r.fired }) }
    }),
    count: (): number => count.get()!,
    remove: (id: string): boolean => changed(() => { bury.run(id); return removeOne.run(id).changes > 0 }),
    clear: (): number => changed(() => { buryAll.run(); return removeAll.run().changes }),
    /** At start: the start-up rules (ids set), under whatever was added, replaced or deleted at run time. */
    loadStartup: (startup: readonly FaultRule[]): void => loadStartup.immediate(startup),
    /** Back to the start-up rules (with fresh counters), for one project's rules or all. */
    restore: (projectId: string | undefined, startup: readonly FaultRule[]): void => restore.immediate(projectId, startup),
    /** The rules as defined (no counters), in the order they are tried: all, or those limited to one project. */
    rules: (projectId?: string): FaultRule[] => all.all().map((r) => JSON.parse(r.rule) as FaultRule)
      .filter((rule) => projectId === undefined || rule.match?.project_id === projectId)
  }
}
export type FaultStore = ReturnType<typeof createFaultStore>
