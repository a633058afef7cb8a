import type { Db } from './db.js'
import type { TransactionRecord } from '../schemas/access-stages.js'
import { bodyOf, servableFields } from './record-body.js'
import { createVisibleCounter } from './visible-count.js'
import { createBodyLookup } from './visible-body.js'

export interface ListQuery {
  projectId?: string
  limit: number
  offset: number
  /** Text that transaction_id or username contains (ASCII case-insensitive). */
  search?: string
  bizType?: string
  /** true: no stage failed; false: some stage failed. */
  success?: boolean
}

// The filters of a list beyond the project, read from the stored body; NULL parameters match all.
// A body an older build recorded with drift (`"stages":"x"`) is read without an error.
const FILTERED = `(:p IS NULL OR project_id = :p)
  AND (:q IS NULL OR instr(lower(transaction_id), lower(:q)) > 0 OR instr(lower(coalesce(json_extract(body, '$.username'), '')), lower(:q)) > 0)
  AND (:b IS NULL OR json_extract(body, '$.biz_type') = :b)
  AND (:s IS NULL OR EXISTS (SELECT 1 FROM json_each(CASE WHEN json_type(body, '$.stages') = 'array' THEN body END, '$.stages')
    WHERE CASE WHEN type = 'object' THEN json_extract(value, '$.is_success') END = 0) = (:s = 0))`

/**
 * A project's run-time changes, as `listChanges` gives them and `replaceChanges` takes them: the
 * upserted records, the keys deleted from the start state, and whether a project-wide delete hid
 * its start-state records.
 */
export interface ProjectChanges {
  projectId: string
  records: TransactionRecord[]
  deleted: string[]
  cleared: boolean
}

type Row = { project_id: string, transaction_id: string, body: string }

// Every visible record in key order: SQLite merges the three ordered branches (each read through
// its key index), so a page costs its offset and limit, not a sort of the whole table. The run-time
// tables may be named: a snapshot reads its own copies of them (see snapshot() below).
interface RunTimeTables { changes: string, cleared: string }
const LIVE: RunTimeTables = { changes: 'changes', cleared: 'cleared_projects' }
const unchanged = (t: string, { changes }: RunTimeTables): string => `NOT EXISTS (SELECT 1 FROM ${changes} c WHERE c.project_id = ${t}.project_id AND c.transaction_id = ${t}.transaction_id)`
const notCleared = (t: string, { cleared }: RunTimeTables): string => `NOT EXISTS (SELECT 1 FROM ${cleared} x WHERE x.project_id = ${t}.project_id)`
const visibleRows = (where: (t: string) => string, tables: RunTimeTables = LIVE): string =>
  `SELECT project_id, transaction_id, body FROM ${tables.changes} c0 WHERE body IS NOT NULL${where('c0')} UNION ALL ` +
  `SELECT project_id, transaction_id, body FROM fixtures f WHERE ${unchanged('f', tables)} AND ${notCleared('f', tables)}${where('f')} UNION ALL ` +
  `SELECT project_id, transaction_id, body FROM base b WHERE ${unchanged('b', tables)} AND ${notCleared('b', tables)}${where('b')} ` +
  'AND NOT EXISTS (SELECT 1 FROM fixtures f2 WHERE f2.project_id = b.project_id AND f2.transaction_id = b.transaction_id)'
const visible = (where: (t: string) => string): string => visibleRows(where) + ' ORDER BY 1, 2 LIMIT ? OFFSET ?'
// Keyset pages of the visible records (snapshots): each branch starts past the last key sent.
const keysetAll = (tables: RunTimeTables): string =>
  visibleRows((t) => ` AND (${t}.project_id, ${t}.transaction_id) > (?, ?)`, tables) + ' ORDER BY 1, 2 LIMIT ?'
const keysetProject = (tables: RunTimeTables): string =>
  visibleRows((t) => ` AND ${t}.project_id = ? AND ${t}.transaction_id > ?`, tables) + ' ORDER BY 1, 2 LIMIT ?'

/** A point-in-time view of the visible records, read a page at a time; close() when done. */
export interface RecordSnapshot {
  /** Records in key order, `limit` at a time after the key `after` (exclusive; start with undefined). */
  page: (after: readonly [string, string] | undefined, limit: number) => Row[]
  close: () => void
}

/**
 * Stored transactions: the start state (`base`: what the file held before start; `fixtures`: the
 * fixture files) under the run-time changes made through the control plane (`changes`, with
 * deletions as tombstones). Every statement is prepared once here.
 */
export function createTransactionStore (db: Db) {
  const bodies = createBodyLookup(db)
  const inStartState = db.prepare<[string, string, string, string], number>(
    'SELECT EXISTS (SELECT 1 FROM fixtures WHERE project_id = ? AND transaction_id = ?) OR EXISTS (SELECT 1 FROM base WHERE project_id = ? AND transaction_id = ?)').pluck()
  const isCleared = db.prepare<[string], number>('SELECT EXISTS (SELECT 1 FROM cleared_projects WHERE project_id = ?)').pluck()

  const upsert = db.prepare<[string, string, string | null]>(
    'INSERT INTO changes (project_id, transaction_id, body) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET body = excluded.body')
  const dropChange = db.prepare<[string, string]>('DELETE FROM changes WHERE project_id = ? AND transaction_id = ?')
  const dropProjectChanges = db.prepare<[string]>('DELETE FROM changes WHERE project_id = ?')
  const dropAllChanges = db.prepare('DELETE FROM changes')
  const clearProject = db.prepare<[string]>('INSERT OR IGNORE INTO cleared_projects (project_id) VALUES (?)')
  const unclearProject = db.prepare<[string]>('DELETE FROM cleared_projects WHERE project_id = ?')
  const unclearAll = db.prepare('DELETE FROM cleared_projects')
  const dropFixtures = db.prepare('DELETE FROM fixtures')
  const putFixture = db.prepare<[string, string, string]>(
    'INSERT INTO fixtures (project_id, transaction_id, body) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET body = excluded.body')
  const listAll = db.prepare<[number, number], Row>(visible(() => ''))
  const listProject = db.prepare<unknown[], Row>(visible((t) => ` AND ${t}.project_id = ?`))
  const changesOf = db.prepare<[string], { transaction_id: string, body: string | null }>(
    'SELECT transaction_id, body FROM changes WHERE project_id = ? ORDER BY transaction_id')
  const changedProjects = db.prepare<[], string>('SELECT project_id FROM changes UNION SELECT project_id FROM cleared_projects ORDER BY 1').pluck()
  const counter = createVisibleCounter(db)
  // Filtered pages read every visible record's body; only the dashboard's search asks for them.
  type Filter = { p: string | null, q: string | null, b: string | null, s: number | null }
  const listFiltered = db.prepare<Filter & { n: number, o: number }, Row>(
    `SELECT project_id, transaction_id, body FROM (${visibleRows(() => '')}) WHERE ${FILTERED} ORDER BY project_id, transaction_id LIMIT :n OFFSET :o`)
  const countFiltered = db.prepare<Filter, number>(`SELECT count(*) FROM (${visibleRows(() => '')}) WHERE ${FILTERED}`).pluck()

  let snapshots = 0
  /**
   * Only `changes` and `cleared_projects` change while serving (fixtures are loaded at start, and
   * nothing writes `base`), so a point-in-time view copies those two, for the namespace exported,
   * into temporary tables of this connection, in one read transaction (workers of one file may be
   * writing), and pages through the start state live. It costs the run-time changes, not the store.
   */
  const takeSnapshot = db.transaction((projectId: string | undefined, tables: RunTimeTables) => {
    const only = projectId === undefined ? '' : ' WHERE project_id = ?'
    const args = projectId === undefined ? [] : [projectId]
    db.exec(`CREATE TEMP TABLE ${tables.changes} (project_id TEXT NOT NULL, transaction_id TEXT NOT NULL, body TEXT, PRIMARY KEY (project_id, transaction_id)) WITHOUT ROWID;` +
      `CREATE TEMP TABLE ${tables.cleared} (project_id TEXT PRIMARY KEY) WITHOUT ROWID`)
    db.prepare(`INSERT INTO temp.${tables.changes} SELECT project_id, transaction_id, body FROM main.changes${only}`).run(...args)
    db.prepare(`INSERT INTO temp.${tables.cleared} SELECT project_id FROM main.cleared_projects${only}`).run(...args)
  })

  // The key is the row's, whatever the body holds: a body never re-keys a record.
  const toRecord = (row: Row): TransactionRecord =>
    ({ project_id: row.project_id, transaction_id: row.transaction_id, ...servableFields(row.body) })
  const getBody = bodies.getBody

  const putBody = db.transaction((projectId: string, transactionId: string, body: string) => {
    upsert.run(projectId, transactionId, body)
    bodies.changed()
  })
  const putMany = db.transaction((records: readonly TransactionRecord[]) => {
    for (const r of records) upsert.run(r.project_id, r.transaction_id, bodyOf(r))
    bodies.changed()
    return records.length
  })
  const remove = db.transaction((projectId: string, transactionId: string): boolean => {
    if (getBody(projectId, transactionId) === undefined) return false
    // A tombstone only where a start-state record would show through.
    if (isCleared.get(projectId) === 0 && inStartState.get(projectId, transactionId, projectId, transactionId) === 1) upsert.run(projectId, transactionId, null)
    else dropChange.run(projectId, transactionId)
    bodies.changed()
    return true
  })
  const removeProject = db.transaction((projectId: string): number => {
    const count = counter.count(projectId)
    dropProjectChanges.run(projectId)
    clearProject.run(projectId)
    bodies.changed()
    return count
  })
  const resetChanges = db.transaction((projectId: string | undefined) => {
    if (projectId === undefined) { dropAllChanges.run(); unclearAll.run() } else { dropProjectChanges.run(projectId); unclearProject.run(projectId) }
    bodies.changed()
  })
  const loadFixtures = db.transaction((records: readonly TransactionRecord[]) => {
    dropFixtures.run()
    for (const r of records) putFixture.run(r.project_id, r.transaction_id, bodyOf(r))
  })
  const replaceChanges = db.transaction((changes: ProjectChanges) => {
    resetChanges(changes.projectId)
    if (changes.cleared) clearProject.run(changes.projectId)
    for (const id of changes.deleted) upsert.run(changes.projectId, id, null)
    for (const r of changes.records) upsert.run(changes.projectId, r.transaction_id, bodyOf(r))
    bodies.changed()
  })

  return {
    /** The visible response body (JSON text), or undefined. */
    getBody,
    get (projectId: string, transactionId: string): TransactionRecord | undefined {
      const body = getBody(projectId, transactionId)
      return body === undefined ? undefined : toRecord({ project_id: projectId, transaction_id: transactionId, body })
    },
    /** Stores a response body as it is (JSON object text: an upstream's answer recorded) as a run-time change. */
    putBody: (projectId: string, transactionId: string, body: string): void => putBody.immediate(projectId, transactionId, body),
    /** Upserts all records as run-time changes, in one transaction: all are stored or none. */
    putMany: (records: readonly TransactionRecord[]): number => putMany.immediate(records),
    /** Visible records in (project_id, transaction_id) order, a page at a time, and how many there are in all. */
    list ({ projectId, limit, offset, search, bizType, success }: ListQuery): { transactions: TransactionRecord[], total: number } {
      if (search !== undefined || bizType !== undefined || success !== undefined) {
        const filter: Filter = { p: projectId ?? null, q: search ?? null, b: bizType ?? null, s: success === undefined ? null : Number(success) }
        return { transactions: listFiltered.all({ ...filter, n: limit, o: offset }).map(toRecord), total: countFiltered.get(filter)! }
      }
      const rows = projectId === undefined
        ? listAll.all(limit, offset)
        : listProject.all(projectId, projectId, projectId, limit, offset)
      return { transactions: rows.map(toRecord), total: counter.count(projectId) }
    },
    /**
     * The visible records of one project or all as they are now, whatever is written while they
     * are read: keyset paging, so a scan of any size holds one page and no open statement.
     */
    snapshot (projectId: string | undefined): RecordSnapshot {
      const n = ++snapshots
      const tables = { changes: `snapshot_changes_${n}`, cleared: `snapshot_cleared_${n}` }
      takeSnapshot(projectId, tables)
      const statement = db.prepare<unknown[], Row>(projectId === undefined ? keysetAll(tables) : keysetProject(tables))
      let open = true
      return {
        page (after, limit) {
          // '' sorts before every id, and ids are never empty.
          const [p, t] = after ?? ['', '']
          return projectId === undefined ? statement.all(p, t, p, t, p, t, limit) : statement.all(projectId, t, projectId, t, projectId, t, limit)
        },
        close () {
          if (!open || !db.open) return
          open = false
          db.exec(`DROP TABLE temp.${tables.changes}; DROP TABLE temp.${tables.cleared}`)
        }
      }
    },
    /** Visible records, of one project or all. */
    count: (projectId?: string): number => counter.count(projectId),
    /** Every project with visible records, and how many each has, in project_id order. */
    projects: (): Array<{ project_id: string, transactions: number }> => counter.projects(),
    /** Deletes one visible record; false when there is none. */
    delete: (projectId: string, transactionId: string): boolean => remove.immediate(projectId, transactionId),
    /** Deletes every visible record of a project; how many there were. */
    deleteProject: (projectId: string): number => removeProject.immediate(projectId),
    /** Drops the run-time changes of one project (or all): back to the start state. */
    resetChanges: (projectId?: string): void => resetChanges.immediate(projectId),
    /** Makes these records the fixture part of the start state (at start, from the fixture files). */
    loadFixtures (records: readonly TransactionRecord[]): void {
      loadFixtures.immediate(records)
      bodies.fixturesChanged()
    },
    /** Projects with run-time changes, in order. */
    changedProjects: (): string[] => changedProjects.all(),
    /** One project's run-time changes (for snapshots: what a reset would drop). */
    listChanges (projectId: string): ProjectChanges {
      const rows = changesOf.all(projectId)
      return {
        projectId,
        records: rows.filter((r) => r.body !== null).map((r) => toRecord({ project_id: projectId, transaction_id: r.transaction_id, body: r.body! })),
        deleted: rows.filter((r) => r.body === null).map((r) => r.transaction_id),
        cleared: isCleared.get(projectId) === 1
      }
    },
    /** Replaces one project's run-time changes with these, in one transaction. */
    replaceChanges: (changes: ProjectChanges): void => replaceChanges.immediate(changes)
  }
}
export type TransactionStore = ReturnType<typeof createTransactionStore>
