import { ConfigError } from '../../config/error.js'
import { readJsonFile } from '../../config/json-file.js'
import { FaultRuleFileSchema, type FaultRule } from '../../schemas/faults.js'
import { checkOnStartup, fieldOf, reportedError, ruleOf } from '../../schemas/validator.js'
import { faultRuleProblem } from './rule-check.js'

const checkFile = checkOnStartup<{ faults: FaultRule[] } | FaultRule[]>(FaultRuleFileSchema)

/** Start-up rules from `--faults FILE`: `{"faults": [...]}` or a bare array; ids default to startup-<n>. */
export function loadFaultRules (file: string): FaultRule[] {
  const data = readJsonFile(file, 'fault rules file')
  if (!checkFile(data)) {
    // The union reports both branches; the deepest error is the one about the user's actual mistake.
    const error = reportedError([...checkFile.errors!].sort((a, b) => b.instancePath.length - a.instancePath.length))
    throw new ConfigError(`fault rules file ${file}: field ${fieldOf(error) || '(root)'} ${ruleOf(error)}`)
  }
  const rules = Array.isArray(data) ? data : data.faults
  // The fault store checks the rules added to it; start-up rules are checked here instead, as their
  // file is read, so that a bad one stops start-up before anything is opened, in words naming the file.
  for (const [i, rule] of rules.entries()) {
    const problem = faultRuleProblem(rule)
    if (problem !== undefined) throw new ConfigError(`fault rules file ${file}: field ${Array.isArray(data) ? '' : 'faults'}[${i}].${problem}`)
  }
  return rules.map((rule, i) => ({ ...rule, id: rule.id ?? `startup-${i + 1}` }))
}
