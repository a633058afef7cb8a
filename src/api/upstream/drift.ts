import type { ErrorObject } from 'ajv'
import type { FastifyBaseLogger } from 'fastify'
import { AccessStagesBodySchema, type AccessStagesBody } from '../../schemas/access-stages.js'
import { DRIFT_KINDS, type DriftKind, type DriftKindName, type DriftReport } from '../../schemas/upstream.js'
import { compileAllErrors } from '../../schemas/validator.js'

const check = compileAllErrors<AccessStagesBody>(AccessStagesBodySchema)

/** One departure of one body from the schema. */
export interface DriftFinding { path: string, kind: DriftKindName, example: unknown }

const KIND_OF: Record<string, DriftKindName> = {
  additionalProperties: 'unknown_field',
  required: 'missing_required',
  enum: 'new_enum_value',
  type: 'type_change'
}

/** `/stages/3/duration` + extra → `stages[].duration`: one path for every element of an array. */
function pathOf (error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1)
  const extra = error.params.additionalProperty ?? error.params.missingProperty
  if (extra !== undefined) parts.push(String(extra))
  const path = parts.reduce((p, part) => /^\d+$/.test(part) ? `${p}[]` : p ? `${p}.${part}` : part, '')
  return path || '(body)'
}

/** Drift in one parsed upstream body; a text that is not JSON is a type change of the body itself. */
export function findDrift (body: unknown): DriftFinding[] {
  if (check(body)) return []
  const errors = check.errors ?? []
  // A value of the wrong type also fails its enum or bounds; the type change is what happened.
  const retyped = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath))
  const seen = new Set<string>()
  const findings: DriftFinding[] = []
  for (const error of errors) {
    if (error.keyword !== 'type' && retyped.has(error.instancePath)) continue
    const kind = KIND_OF[error.keyword] ?? 'out_of_range'
    const path = pathOf(error)
    const key = `${kind}\u0000${path}`
    if (seen.has(key)) continue
    seen.add(key)
    const example = error.keyword === 'required' ? null : error.keyword === 'additionalProperties' ? (error.data as Record<string, unknown>)[error.params.additionalProperty] : error.data
    findings.push({ path, kind, example })
  }
  return findings
}

export type DriftDetector = ReturnType<typeof createDriftDetector>

/**
 * What the upstream's bodies showed that the emulator's schema does not know, by (path, kind):
 * each is logged at warn the first time, then only counted. Held in memory per process.
 */
export function createDriftDetector (log: FastifyBaseLogger, now: () => number = Date.now) {
  const kinds = new Map<string, DriftKind>()
  const byKind = new Map<DriftKindName, number>(DRIFT_KINDS.map((k) => [k, 0]))
  return {
    /** Checks one upstream body (JSON text or unparseable bytes), noting and returning its drift. */
    observe (text: string): DriftFinding[] {
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        body = text.slice(0, 100)
      }
      const findings = findDrift(body)
      for (const f of findings) {
        byKind.set(f.kind, byKind.get(f.kind)! + 1)
        const key = `${f.kind}\u0000${f.path}`
        const known = kinds.get(key)
        if (known !== undefined) { known.count++; continue }
        kinds.set(key, { path: f.path, kind: f.kind, example: f.example, first_seen: new Date(now()).toISOString(), count: 1 })
        log.warn({ drift: { path: f.path, kind: f.kind, example: f.example } }, 'upstream body departs from the response schema')
      }
      return findings
    },
    report: (): DriftReport => ({ kinds: [...kinds.values()].map((k) => ({ ...k })) }),
    /** Findings by kind since start, for metrics. */
    counts: (): Iterable<[DriftKindName, number]> => byKind.entries(),
    clear: (): void => kinds.clear()
  }
}
