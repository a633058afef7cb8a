import type { IncomingHttpHeaders } from 'node:http'
import { drawLatency } from './latency.js'
import parsePreferHeader from 'parse-prefer-header'
import type { Rng } from '../../runtime/random.js'
import { MAX_FAULT_MS, type FaultAction, type FaultKind, type FaultRule } from '../../schemas/faults.js'

/** What a rule can match on. */
export interface FaultRequest {
  projectId?: string
  transactionId?: string
  headers: IncomingHttpHeaders
}

export interface RuleState {
  id: string
  rule: FaultRule
  matched: number
  fired: number
}

export type { FaultKind }

export interface FaultDecision {
  ruleId: string
  kind: FaultKind
  /** Milliseconds to wait first (delay_ms plus the drawn jitter), capped. */
  waitMs: number
  action: FaultAction
}

export interface FaultSelection {
  decision?: FaultDecision
  /** New counters of every rule this request matched, to be stored with the decision. */
  counters: Array<{ id: string, matched: number, fired: number }>
}

export const isSpent = (s: RuleState): boolean => s.rule.times !== undefined && s.fired >= s.rule.times

export type RuleMatcher = (req: FaultRequest) => boolean

/**
 * Whether a rule's match block fits a request (counters and chance aside), as a function made
 * once per rule: every request is tried against every rule, so the rule's own work (the header
 * name's case) is not redone per request.
 */
export function ruleMatcher (rule: FaultRule): RuleMatcher {
  const m = rule.match
  if (!m) return () => true
  const { project_id: project, transaction_id: transaction } = m
  const header = m.header === undefined ? undefined : { name: m.header.name.toLowerCase(), value: m.header.value }
  return (req) => {
    if (project !== undefined && project !== req.projectId) return false
    if (transaction !== undefined && transaction !== req.transactionId) return false
    if (header !== undefined) {
      const value = req.headers[header.name]
      if (Array.isArray(value) ? !value.includes(header.value) : value !== header.value) return false
    }
    return true
  }
}

export const matchesRule = (rule: FaultRule, req: FaultRequest): boolean => ruleMatcher(rule)(req)

export function kindOf (action: FaultAction): FaultKind {
  return action.kind ?? (action.status === undefined && (action.delay_ms !== undefined || action.latency !== undefined) ? 'delay' : 'error')
}

/** The wait before a rule's action: delay_ms, plus jitter, plus a draw from its latency distribution, capped. */
function decide (id: string, action: FaultAction, rng: Rng): FaultDecision {
  const jitter = action.jitter_ms ? Math.floor(rng() * action.jitter_ms) : 0
  const drawn = action.latency === undefined ? 0 : drawLatency(action.latency, rng)
  return { ruleId: id, kind: kindOf(action), waitMs: Math.min((action.delay_ms ?? 0) + jitter + drawn, MAX_FAULT_MS), action }
}

/**
 * Rules are tried in order; the first that matches and fires decides. A match first counts against
 * `after`; past it, the rule fires with its probability (drawing from the PRNG only when that is
 * below 1, so rules without chance leave the sequence untouched) until `times` is reached.
 * Pure: the same rules, counters, request and PRNG state always give the same result.
 */
export const selectFault = (req: FaultRequest, rules: readonly RuleState[], rng: Rng): FaultSelection =>
  selectMatched(rules.filter((state) => matchesRule(state.rule, req)), rng)

/**
 * selectFault among rules already known to match the request, in order: the store tries each of
 * its rules once, with the matcher it made when it loaded them, and hands over those that match.
 */
export function selectMatched (matching: readonly RuleState[], rng: Rng): FaultSelection {
  const counters: FaultSelection['counters'] = []
  for (const state of matching) {
    if (isSpent(state)) continue
    const matched = state.matched + 1
    const passed = matched <= (state.rule.after ?? 0)
    const p = state.rule.probability ?? 1
    const fires = !passed && (p >= 1 || (p > 0 && rng() < p))
    counters.push({ id: state.id, matched, fired: state.fired + (fires ? 1 : 0) })
    if (fires) return { decision: decide(state.id, state.rule.action, rng), counters }
  }
  return { counters }
}

const preferred = (value: string | true | undefined, digits: RegExp): number | undefined =>
  typeof value === 'string' && digits.test(value) ? Number(value) : undefined

const DELAY_DIGITS = /^\d{1,9}$/

/** Whether a Prefer header asks for a delay (read as preferFault reads it), which then replaces the --latency wait for that request. */
export const prefersDelay = (header: string | string[] | undefined): boolean =>
  header !== undefined && preferred(parsePreferHeader(header).delay, DELAY_DIGITS) !== undefined

/**
 * Prism's convention: `Prefer: code=503` and/or `Prefer: delay=200` force a fault for one request.
 * The header is parsed as RFC 7240 §2 says (names in any case, quoted values, spaces around `=`,
 * several preferences and headers, the first of a repeated one wins), by the parser Prism uses.
 * Returns undefined when the header asks for neither (or asks for a status that is not an error).
 */
export function preferFault (header: string | string[] | undefined): FaultDecision | undefined {
  if (header === undefined) return undefined
  const prefs = parsePreferHeader(header)
  const status = preferred(prefs.code, /^\d{3}$/)
  const delay = preferred(prefs.delay, DELAY_DIGITS)
  const errorStatus = status !== undefined && status >= 400 && status <= 599 ? status : undefined
  if (errorStatus === undefined && delay === undefined) return undefined
  const waitMs = delay === undefined ? 0 : Math.min(delay, MAX_FAULT_MS)
  const action: FaultAction = errorStatus === undefined ? { kind: 'delay', delay_ms: waitMs } : { kind: 'error', status: errorStatus, delay_ms: waitMs }
  return { ruleId: 'prefer', kind: action.kind!, waitMs, action }
}
