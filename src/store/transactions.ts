import type { Db } from './db.js'
import type { AccessStagesBody, TransactionRecord } from '../schemas/access-stages.js'
import { bodyOf } from './record-body.js'

export interface ListQuery { projectId?: string, limit: number, offset: number }

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

  const putMany = db.transaction((records: readonly TransactionRecord[]) => {
    for (const r of records) upsert.run(r.project_id, r.transaction_id, bodyOf(r))
    return records.length
  })
  const replace = db.transaction((projectId: string | undefined, records: readonly TransactionRecord[]) => {
    if (projectId === undefined) removeAll.run()
    else removeProject.run(projectId)
    putMany(records)
  })

  type BodyRow = { project_id: string, transaction_id: string, body: string }
  const pageAll = db.prepare<[string, string, number], BodyRow>(
    'SELECT project_id, transaction_id, body FROM transactions WHERE (project_id, transaction_id) > (?, ?) ORDER BY project_id, transaction_id LIMIT ?')
  const pageProject = db.prepare<[string, string, number], BodyRow>(
    'SELECT project_id, transaction_id, body FROM transactions WHERE project_id = ? AND transaction_id > ? ORDER BY transaction_id LIMIT ?')

  const toRecord = (row: Row): TransactionRecord =>
    ({ project_id: row.project_id, transaction_id: row.transaction_id, ...JSON.parse(row.body) as AccessStagesBody })

  return {
    /** The stored response body (JSON text), or undefined. */
    getBody: (projectId: string, transactionId: string): string | undefined => get.get(projectId, transactionId),
    get (projectId: string, transactionId: string): TransactionRecord | undefined {
      const body = get.get(projectId, transactionId)
      return body === undefined ? undefined : toRecord({ project_id: projectId, transaction_id: transactionId, body })
    },
    /** Stores a response body as it is (JSON object text, e.g. an upstream's answer recorded). */
    putBody: (projectId: string, transactionId: string, body: string): void => { upsert.run(projectId, transactionId, body) },
    /** Upserts all records in one transaction: all are stored or none. */
    putMany: (records: readonly TransactionRecord[]): number => putMany.immediate(records),
    /** Replaces one project's records (or all, without a project) in one transaction. */
    replace: (projectId: string | undefined, records: readonly TransactionRecord[]): void => replace.immediate(projectId, records),
    list ({ projectId, limit, offset }: ListQuery): { transactions: TransactionRecord[], total: number } {
      const rows = projectId === undefined ? listAll.all(limit, offset) : listProject.all(projectId, limit, offset)
      return { transactions: rows.map(toRecord), total: projectId === undefined ? countAll.get()! : countProject.get(projectId)! }
    },
    /**
     * Stored bodies in key order, `limit` at a time after the key `after` (exclusive; start with
     * undefined): keyset paging, so a scan of any size holds one page and no open statement.
     */
    page (projectId: string | undefined, after: readonly [string, string] | undefined, limit: number): BodyRow[] {
      // '' sorts before every id, and ids are never empty.
      return projectId !== undefined ? pageProject.all(projectId, after?.[1] ?? '', limit) : pageAll.all(after?.[0] ?? '', after?.[1] ?? '', limit)
    },
    count: (projectId?: string): number => projectId === undefined ? countAll.get()! : countProject.get(projectId)!,
    delete: (projectId: string, transactionId: string): boolean => remove.run(projectId, transactionId).changes > 0,
    deleteProject: (projectId: string): number => removeProject.run(projectId).changes
  }
}
export type TransactionStore = ReturnType<typeof createTransactionStore>
