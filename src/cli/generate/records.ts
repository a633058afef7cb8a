import { rngFromText, sfc32, type Rng } from '../../runtime/random.js'
import type { AccessStagesBody, TransactionRecord } from '../../schemas/access-stages.js'
import { generateBody } from '../../api/lookup/generated-body.js'

export interface GenerateSpec {
  count: number
  projects: number
  seed: number
}

const hex8 = (rng: Rng): string => Math.floor(rng() * 0x100000000).toString(16).padStart(8, '0')

/** A project id in the service's form (32 lowercase hex), the same for a seed and index on every run. */
export function projectIdOf (seed: number, index: number): string {
  const rng = rngFromText(`wks-generate\u0000${seed}\u0000project\u0000${index}`)
  return hex8(rng) + hex8(rng) + hex8(rng) + hex8(rng)
}

// Sessions start 30 s apart on average from 2026-01-01, so a million of them span about a year.
const FIRST_SESSION = Date.UTC(2026, 0, 1)
const SESSION_GAP_MS = 30_000

/**
 * A UUID v7 (RFC 9562): the session's start in milliseconds, then random bits. Ids that grow with
 * time are what many clients send, and they let a bulk load append to the index instead of
 * splitting pages all over it.
 */
function uuidV7 (ms: number, rng: Rng): string {
  const time = ms.toString(16).padStart(12, '0')
  const rand = hex8(rng) + hex8(rng) + hex8(rng)
  const variant = (8 + Math.floor(rng() * 4)).toString(16)
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${rand.slice(0, 3)}-${variant}${rand.slice(3, 6)}-${rand.slice(6, 18)}`
}

/** The body moved in time so that its first stage starts at `start`; the phases keep their spacing. */
function startingAt (body: AccessStagesBody, start: number): AccessStagesBody {
  // generateBody gives every stage both times.
  const shift = start - body.stages![0].start_time!
  return { ...body, stages: body.stages!.map((s) => ({ ...s, start_time: s.start_time! + shift, end_time: s.end_time! + shift })) }
}

/**
 * The PRNG of one record. Hashing a string per record (rngFromText) costs more than the rest of the
 * record; sfc32 started from the two integers and run a few rounds mixes them as well for this use.
 */
function recordRng (seed: number, index: number): Rng {
  const rng = sfc32(0x7f4a7c15, seed >>> 0, index >>> 0, Math.floor(index / 0x100000000) ^ 0x5bd1e995)
  for (let i = 0; i < 15; i++) rng()
  return rng
}

/**
 * Record `index` of a generated data set. Each record has its own PRNG, seeded from the seed and
 * its index, so any record can be rebuilt alone and the set is the same on every run. Records go
 * to the projects in turn and start later as the index grows.
 */
export function generatedRecord (seed: number, projects: readonly string[], index: number): TransactionRecord {
  const rng = recordRng(seed, index)
  const start = FIRST_SESSION + index * SESSION_GAP_MS + Math.floor(rng() * SESSION_GAP_MS)
  const transactionId = uuidV7(start, rng)
  return { project_id: projects[index % projects.length], transaction_id: transactionId, ...startingAt(generateBody(rng), start) }
}

/**
 * The records of a spec, one at a time, so that writing a million of them holds one batch in memory.
 * They come project by project, oldest first: the order of the table's key, so a load only appends.
 */
export function * generateRecords ({ count, projects, seed }: GenerateSpec): Generator<TransactionRecord> {
  const ids = Array.from({ length: projects }, (_, p) => projectIdOf(seed, p))
  const order = ids.map((id, p) => ({ id, p })).sort((a, b) => a.id < b.id ? -1 : 1)
  for (const { p } of order) {
    for (let i = p; i < count; i += projects) yield generatedRecord(seed, ids, i)
  }
}
