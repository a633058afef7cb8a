import type { Db } from './db.js'

/**
 * How many records are visible, of one project or all, without reading the start state row by
 * row: the start-state counts are taken once per run (nothing writes `base` while an emulator
 * serves the file), and what the run-time changes add or hide is counted from the changes, which
 * are few beside a generated million. Health checks and metrics scrapes ask this often.
 */
export function createVisibleCounter (db: Db) {
  const baseTotal = db.prepare<[], number>('SELECT count(*) FROM base').pluck()
  const baseOfProject = db.prepare<[string], number>('SELECT count(*) FROM base WHERE project_id = ?').pluck()
  const changedBodies = db.prepare<{ p: string | null }, number>(
    'SELECT count(*) FROM changes WHERE body IS NOT NULL AND (:p IS NULL OR project_id = :p)').pluck()
  // Fixtures neither changed nor hidden by a cleared project.
  const fixturesShown = db.prepare<{ p: string | null }, number>(
    'SELECT count(*) FROM fixtures f WHERE (:p IS NULL OR project_id = :p) ' +
    'AND NOT EXISTS (SELECT 1 FROM changes c WHERE c.project_id = f.project_id AND c.transaction_id = f.transaction_id) ' +
    'AND NOT EXISTS (SELECT 1 FROM cleared_projects x WHERE x.project_id = f.project_id)').pluck()
  // Start-state file records that a change or a fixture stands in front of (projects not cleared).
  const baseShadowed = db.prepare<{ p: string | null }, number>(
    'SELECT count(*) FROM (SELECT project_id, transaction_id FROM changes WHERE :p IS NULL OR project_id = :p ' +
    'UNION SELECT project_id, transaction_id FROM fixtures WHERE :p IS NULL OR project_id = :p) k ' +
    'WHERE NOT EXISTS (SELECT 1 FROM cleared_projects x WHERE x.project_id = k.project_id) ' +
    'AND EXISTS (SELECT 1 FROM base b WHERE b.project_id = k.project_id AND b.transaction_id = k.transaction_id)').pluck()
  const cleared = db.prepare<[], string>('SELECT project_id FROM cleared_projects').pluck()
  const baseProjects = db.prepare<[], { project_id: string, n: number }>('SELECT project_id, count(*) AS n FROM base GROUP BY project_id')
  const otherProjects = db.prepare<[], string>('SELECT project_id FROM fixtures UNION SELECT project_id FROM changes').pluck()

  let total: number | undefined
  const byProject = new Map<string, number>()
  let allCounted = false
  const baseCount = (projectId?: string): number => {
    if (projectId === undefined) return (total ??= baseTotal.get()!)
    let n = byProject.get(projectId)
    if (n === undefined) { n = baseOfProject.get(projectId)!; byProject.set(projectId, n) }
    return n
  }

  const count = (projectId?: string): number => {
    const p = projectId ?? null
    let base = baseCount(projectId)
    if (projectId === undefined) for (const c of cleared.all()) base -= baseCount(c)
    else if (cleared.all().includes(projectId)) base = 0
    return changedBodies.get({ p })! + fixturesShown.get({ p })! + base - baseShadowed.get({ p })!
  }

  return {
    count,
    /** Projects with visible records and their counts; the file's projects are read once per run. */
    projects (): Array<{ project_id: string, transactions: number }> {
      if (!allCounted) {
        for (const r of baseProjects.iterate()) byProject.set(r.project_id, r.n)
        allCounted = true
      }
      const names = new Set([...byProject.keys()].filter((p) => byProject.get(p)! > 0))
      for (const p of otherProjects.all()) names.add(p)
      return [...names].sort().map((p) => ({ project_id: p, transactions: count(p) })).filter((p) => p.transactions > 0)
    }
  }
}
