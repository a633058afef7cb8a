import { MAX_FAULT_RULES } from '../../api/faults/store.js'
import type { FaultRule } from '../../schemas/faults.js'
import { StateDocumentSchema, type StateDocument } from '../../schemas/state.js'
import { compileStrict, fieldOf, reportedError, ruleOf } from '../../schemas/validator.js'

export const checkStateDocument = compileStrict<StateDocument>(StateDocumentSchema)

/** The first schema error of a document that failed checkStateDocument, in words naming the field. */
export function schemaProblem (): string {
  const error = reportedError(checkStateDocument.errors!)
  const field = fieldOf(error)
  return `field ${field || '(document)'} ${ruleOf(error)}`
}

/**
 * What the schema cannot say about a valid document, or undefined when it may replace the state:
 * a project's snapshot goes back to that project only, every record and rule of it belongs there,
 * no key or rule id repeats, and the rule ids of other projects stay theirs. `otherRules` are the
 * rules that stay (all rules not limited to `projectId`; none when everything is replaced). What
 * is wrong inside one rule the fault store finds as the document is put back (a FaultRuleError).
 */
export function documentProblem (doc: StateDocument, projectId: string | undefined, otherRules: readonly FaultRule[]): string | undefined {
  if (doc.project_id !== undefined && doc.project_id !== projectId) {
    return `the document is a snapshot of project ${doc.project_id}: put it back with project_id=${doc.project_id}`
  }
  const keys = new Set<string>()
  for (const [i, r] of doc.transactions.entries()) {
    if (projectId !== undefined && r.project_id !== projectId) return `field transactions[${i}].project_id must be ${projectId}, the project replaced`
    const key = `${r.project_id}\u0000${r.transaction_id}`
    if (keys.has(key)) return `field transactions[${i}] repeats transaction ${r.transaction_id} of project ${r.project_id}`
    keys.add(key)
  }
  const taken = new Set(otherRules.map((r) => r.id))
  const ids = new Set<string>()
  for (const [i, rule] of doc.faults.entries()) {
    if (projectId !== undefined && rule.match?.project_id !== projectId) return `field faults[${i}].match.project_id must be ${projectId}, the project replaced`
    if (rule.id === undefined) continue
    if (ids.has(rule.id)) return `field faults[${i}].id repeats fault rule ${rule.id}`
    if (taken.has(rule.id)) return `field faults[${i}].id ${rule.id} is a rule of another namespace`
    ids.add(rule.id)
  }
  if (otherRules.length + doc.faults.length > MAX_FAULT_RULES) return `field faults: at most ${MAX_FAULT_RULES} fault rules may exist`
  return undefined
}
