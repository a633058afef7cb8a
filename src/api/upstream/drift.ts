import type { ErrorObject } from 'ajv'
import type { FastifyBaseLogger } from 'fastify'
import { AccessStagesBodySchema, type AccessStagesBody } from '../../schemas/access-stages.js'
import { DRIFT_KINDS, MAX_DRIFT_KINDS, type DriftKind, type DriftKindName, type DriftQuery, type DriftReport } from '../../schemas/upstream.js'
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

/** A path or string example kept past this many characters ends in `…`: a 1 MiB field name is not kept 1,000 times. */
const MAX_TEXT = 256
/** An object or array example whose JSON is longer than this is kept as a description of its size. */
const MAX_EXAMPLE_JSON = 1024

const clip = (text: string): string => text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text

/** What is kept, and logged, of an offending value: small ones as they are, big ones clipped or described. */
function exampleOf (value: unknown): unknown {
  if (typeof value === 'string') return clip(value)
  if (value === null || typeof value !== 'object') return value
  const json = JSON.stringify(value)
  if (json.length <= MAX_EXAMPLE_JSON) return value
  return Array.isArray(value) ? `(array of ${value.length} items, ${json.length} bytes of JSON)` : `(object of ${Object.keys(value).length} fields, ${json.length} bytes of JSON)`
}

export type DriftDetector = ReturnType<typeof createDriftDetector>

/**
 * What the upstream's bodies showed that the emulator's schema does not know, by (path, kind):
 * each is logged at warn the first time, then only counted. Held in memory per process, at most
 * MAX_DRIFT_KINDS kinds: an upstream inventing field names cannot grow the memory or the log
 * without end. Past the cap a new kind is counted in `dropped` and the log says so once.
 */
export function createDriftDetector (log: FastifyBaseLogger, now: () => number = Date.now, maxKinds = MAX_DRIFT_KINDS) {
  const kinds = new Map<string, DriftKind>()
  const byKind = new Map<DriftKindName, number>(DRIFT_KINDS.map((k) => [k, 0]))
  let dropped = 0
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
        const path = clip(f.path)
        const key = `${f.kind}\u0000${path}`
        const known = kinds.get(key)
        if (known !== undefined) { known.count++; continue }
        if (kinds.size >= maxKinds) {
          if (dropped++ === 0) log.warn({ drift: { kept: kinds.size } }, `upstream drift: ${kinds.size} kinds kept, the most there are; new kinds are counted as dropped at GET /_emulator/drift, not kept or logged`)
          continue
        }
        const example = exampleOf(f.example)
        kinds.set(key, { path, kind: f.kind, example, first_seen: new Date(now()).toISOString(), count: 1 })
        log.warn({ drift: { path, kind: f.kind, example } }, 'upstream body departs from the response schema')
      }
      return findings
    },
    /** A page of the kinds kept, in the order first seen, copied so a caller cannot change them. */
    report ({ limit = maxKinds, offset = 0 }: DriftQuery = {}): DriftReport {
      const page: DriftKind[] = []
      let i = 0
      for (const k of kinds.values()) {
        if (i++ < offset) continue
        if (page.length >= limit) break
        page.push({ ...k })
      }
      return { kinds: page, total: kinds.size, dropped }
    },
    /** Findings by kind since start, for metrics. */
    counts: (): Iterable<[DriftKindName, number]> => byKind.entries(),
    clear: (): void => { kinds.clear(); dropped = 0 }
  }
}
