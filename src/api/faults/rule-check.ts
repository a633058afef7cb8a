import { RefusedInput } from '../../errors.js'
import type { FaultRule } from '../../schemas/faults.js'
import { latencyProblem } from '../../schemas/latency.js'

/**
 * A rule the fault store refuses (or would hold past its limit). The message reads as the detail
 * of a bad request body (`field PATH RULE`); the edges that add rules (the control plane, a
 * snapshot put back) carry it in their own error.
 */
export class FaultRuleError extends RefusedInput {}

/** What the schema cannot say about a rule, as `FIELD RULE` with the field path from the rule, or undefined. */
export const faultRuleProblem = (rule: FaultRule): string | undefined => {
  const problem = rule.action.latency === undefined ? undefined : latencyProblem(rule.action.latency)
  return problem === undefined ? undefined : `action.latency.${problem}`
}
