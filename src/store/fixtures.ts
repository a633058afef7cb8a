import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../config/error.js'
import { readJsonFile } from '../config/json-file.js'
import { TransactionRecordSchema, type TransactionRecord } from '../schemas/access-stages.js'
import { checkOnStartup, fieldOf, ruleOf } from '../schemas/validator.js'

const checkRecord = checkOnStartup<TransactionRecord>(TransactionRecordSchema)

/** Files a fixtures path stands for: the file itself, or a directory's *.json files in name order. */
function fixtureFiles (path: string): string[] {
  let isDir: boolean
  try {
    isDir = statSync(path).isDirectory()
  } catch {
    throw new ConfigError(`fixtures ${path}: no such file or directory`)
  }
  if (!isDir) return [path]
  return readdirSync(path).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f))
}

/**
 * Reads and validates every fixture record, with the schema the control plane uses. A file may hold
 * `{"transactions": [...]}` or a bare array. The first problem stops loading, named by file, record and field.
 */
export function loadFixtures (path: string): TransactionRecord[] {
  const records: TransactionRecord[] = []
  const seen = new Set<string>()
  for (const file of fixtureFiles(path)) {
    const data = readJsonFile(file, 'fixture file')
    const list = Array.isArray(data) ? data : (data as { transactions?: unknown })?.transactions
    if (!Array.isArray(list)) throw new ConfigError(`fixture file ${file}: expected {"transactions": [...]} or an array of records`)
    list.forEach((record: unknown, i) => {
      const id = (record as { transaction_id?: unknown })?.transaction_id
      const where = `fixture file ${file}: record ${i}${typeof id === 'string' ? ` (transaction_id ${id})` : ''}`
      if (!checkRecord(record)) {
        const error = checkRecord.errors![0]
        const field = fieldOf(error)
        throw new ConfigError(`${where}: ${field ? `field ${field}` : 'record'} ${ruleOf(error)}`)
      }
      const key = `${record.project_id}\u0000${record.transaction_id}`
      if (seen.has(key)) throw new ConfigError(`${where}: duplicate of an earlier record in project ${record.project_id}`)
      seen.add(key)
      records.push(record)
    })
  }
  return records
}
