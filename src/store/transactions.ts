import type { Db } from './db.js'
import type { AccessStagesBody, TransactionRecord } from '../schemas/access-stages.js'
import { bodyOf } from './record-body.js'

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
const FILTERED = `(:p IS NULL OR project_id = :p)
  AND (:q IS NULL OR instr(lower(transaction_id), lower(:q)) > 0 OR instr(lower(coalesce(json_extract(body, '$.username'), '')), lower(:q)) > 0)
  AND (:b IS NULL OR json_extract(body, '$.biz_type') = :b)
  AND (:s IS NULL OR EXISTS (SELECT 1 FROM json_each(body, '$.stages') WHERE json_extract(value, '$.is_success') = 0) = (:s = 0))`

/** Access to stored transactions; every statement is prepared once here. */
export function createTransactionStore (db: Db) {
  const get = db.prepare<[string, string], string>('SELECT body FROM transactions WHERE project_id = ? AND transaction_id = ?').pluck()
  const upsert = db.prepare<[string, string, string]>(
    'INSERT INTO transactions (project_id, transaction_id, body) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET body = excluded.body')
  const remove = db.prepare<[string, string]>('DELETE FROM transactions WHERE project_id = ? AND transaction_id = ?')
  const removeProject = db.prepare<[string]>('DELETE FROM transactions WHERE project_id = ?')
  const removeAll = db.prepare('DELETE FROM transactions')
  const countAll = db.prepare<[], number>('SELECT count(*) FROM transactions').pluck()
  const countProject = db.prepare<[string], number>('SELECT count(*) FROM transactions WHERE project_id = ?').pluck()
  type Row = { project_id: string, transaction_id: string, body: string }
  const listAll = db.prepare<[number, number], Row>(
    'SELECT project_id, transaction_id, body FROM transactions ORDER BY project_id, transaction_id LIMIT ? OFFSET ?')
  const listProject = db.prepare<[string, number, number], Row>(
    'SELECT project_id, transaction_id, body FROM transactions WHERE project_id = ? ORDER BY transaction_id LIMIT ? OFFSET ?')

  type Filter = { p: string | null, q: string | null, b: string | null, s: number | null }
  const listFiltered = db.prepare<Filter & { n: number, o: number }, Row>(
    `SELECT project_id, transaction_id, body FROM transactions WHERE ${FILTERED} ORDER BY project_id, transaction_id LIMIT :n OFFSET :o`)
  const countFiltered = db.prepare<Filter, number>(`SELECT count(*) FROM transactions WHERE ${FILTERED}`).pluck()
  const projects = db.prepare<[], { project_id: string, transactions: number }>(
    'SELECT project_id, count(*) AS transactions FROM transactions GROUP BY project_id ORDER BY project_id')

  const putMany = db.transaction((records: readonly TransactionRecord[]) => {
    for (const r of records) upsert.run(r.project_id, r.transaction_id, bodyOf(r))
    return records.length
  })
  const replace = db.transaction((projectId: string | undefined, records: readonly TransactionRecord[]) => {
    if (projectId === undefined) removeAll.run()
    else removeProject.run(projectId)
    putMany(records)
  })

  const toRecord = (row: Row): TransactionRecord =>
    ({ project_id: row.project_id, transaction_id: row.transaction_id, ...JSON.parse(row.body) as AccessStagesBody })

  return {
    /** The stored response body (JSON text), or undefined. */
    getBody: (projectId: string, transactionId: string): string | undefined => get.get(projectId, transactionId),
    get (projectId: string, transactionId: string): TransactionRecord | undefined {
      const body = get.get(projectId, transactionId)
      return body === undefined ? undefined : toRecord({ project_id: projectId, transaction_id: transactionId, body })
    },
    /** Upserts all records in one transaction: all are stored or none. */
    putMany: (records: readonly TransactionRecord[]): number => putMany.immediate(records),
    /** Replaces one project's records (or all, without a project) in one transaction. */
    replace: (projectId: string | undefined, records: readonly TransactionRecord[]): void => replace.immediate(projectId, records),
    list ({ projectId, limit, offset, search, bizType, success }: ListQuery): { transactions: TransactionRecord[], total: number } {
      if (search !== undefined || bizType !== undefined || success !== undefined) {
        const filter: Filter = { p: projectId ?? null, q: search ?? null, b: bizType ?? null, s: success === undefined ? null : Number(success) }
        return { transactions: listFiltered.all({ ...filter, n: limit, o: offset }).map(toRecord), total: countFiltered.get(filter)! }
      }
      const rows = projectId === undefined ? listAll.all(limit, offset) : listProject.all(projectId, limit, offset)
      return { transactions: rows.map(toRecord), total: projectId === undefined ? countAll.get()! : countProject.get(projectId)! }
    },
    /** Every project with records, and how many each has. */
    projects: () => projects.all(),
    count: (projectId?: string): number => projectId === undefined ? countAll.get()! : countProject.get(projectId)!,
    delete: (projectId: string, transactionId: string): boolean => remove.run(projectId, transactionId).changes > 0,
    deleteProject: (projectId: string): number => removeProject.run(projectId).changes
  }
}
export type TransactionStore = ReturnType<typeof createTransactionStore>
