import { sharedByProcesses, type Db } from './db.js'
import { keyHash } from './key-hash.js'

/**
 * The body a key shows: its run-time change (none when deleted), else nothing when a
 * DELETE ?project_id= cleared its project, else its fixture, else the file's record.
 *
 * This is every API lookup, so each layer is asked only when it can answer. Which projects have
 * run-time changes is kept in memory: a lookup in any other project (nearly all, nearly always)
 * never touches the change tables. Fixtures are fixed for the run and few, so they are a map.
 * The file's records are one seek by integer id in a table nothing writes while serving.
 * Workers of one file see each other's changes through a version row, read once per lookup
 * as the fault rules' is; a process that has the file to itself skips even that.
 */
export function createBodyLookup (db: Db) {
  const shared = sharedByProcesses(db)
  const version = db.prepare<[], number>("SELECT version FROM state_version WHERE name = 'changes'").pluck()
  const bump = db.prepare("UPDATE state_version SET version = version + 1 WHERE name = 'changes'")
  const projects = db.prepare<[], string>('SELECT DISTINCT project_id FROM changes UNION SELECT project_id FROM cleared_projects').pluck()
  const change = db.prepare<[string, string, string], string | null>(
    'SELECT body FROM changes WHERE project_id = ? AND transaction_id = ? UNION ALL SELECT NULL FROM cleared_projects WHERE project_id = ? LIMIT 1').pluck()
  const fixtureRows = db.prepare<[], { project_id: string, transaction_id: string, body: string }>('SELECT project_id, transaction_id, body FROM fixtures')
  const displaced = db.prepare<[], number>("SELECT version FROM state_version WHERE name = 'base_displaced'").pluck().get()! > 0
  const byId = db.prepare<[number, string, string], string>('SELECT body FROM base WHERE id = ? AND project_id = ? AND transaction_id = ?').pluck()
  const byKey = db.prepare<[string, string], string>('SELECT body FROM base WHERE project_id = ? AND transaction_id = ?').pluck()
  // A record stored away from its hash id (a collision, see base.ts) is found through the key index.
  const fromBase = displaced ? (p: string, t: string) => byKey.get(p, t) : (p: string, t: string) => byId.get(keyHash(p, t), p, t)

  let fixtures = new Map<string, Map<string, string>>()
  const readFixtures = (): void => {
    fixtures = new Map()
    for (const r of fixtureRows.iterate()) {
      let project = fixtures.get(r.project_id)
      if (project === undefined) fixtures.set(r.project_id, (project = new Map()))
      project.set(r.transaction_id, r.body)
    }
  }
  readFixtures()

  let seen = -1
  let changed = new Set<string>()
  const changedProjects = (): Set<string> => {
    if (!shared && seen !== -1) return changed
    const v = version.get()!
    if (v !== seen) { changed = new Set(projects.all()); seen = v }
    return changed
  }

  return {
    getBody (projectId: string, transactionId: string): string | undefined {
      if (changedProjects().has(projectId)) {
        const body = change.get(projectId, transactionId, projectId)
        if (body !== undefined) return body ?? undefined
      }
      return fixtures.get(projectId)?.get(transactionId) ?? fromBase(projectId, transactionId)
    },
    /** Called inside every transaction that writes changes or cleared_projects. */
    changed (): void {
      bump.run()
      seen = -1
    },
    /** Called after the fixtures table was replaced. */
    fixturesChanged: readFixtures
  }
}
