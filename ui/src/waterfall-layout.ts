import type { UserAccessStage } from '../../src/schemas/access-stages.js'

export interface Bar {
  stage: UserAccessStage
  /** ms from the first stage's start. */
  from: number
  to: number
  running: boolean
  failed: boolean
}

export interface Waterfall {
  bars: Bar[]
  /** The axis length in ms (at least 1). */
  span: number
  /** First start to last end, in ms; undefined while a stage is still running. */
  total: number | undefined
}

/**
 * Stages placed on one time axis, in ms from the first stage's start. A stage with no start_time
 * follows the previous one; one with no end_time is still running and reaches to the axis end
 * (its duration so far, when given, or the latest time known). One without either time but with
 * a duration is placed after the previous stage for that long.
 */
export function layoutWaterfall (stages: readonly UserAccessStage[]): Waterfall {
  const starts = stages.map((s) => s.start_time).filter((t): t is number => t !== undefined)
  const origin = starts.length > 0 ? Math.min(...starts) : 0
  let cursor = 0
  const bars: Bar[] = stages.map((stage) => {
    const from = stage.start_time !== undefined ? stage.start_time - origin : cursor
    const running = stage.end_time === undefined && stage.start_time !== undefined
    const to = stage.end_time !== undefined ? stage.end_time - origin : from + (stage.duration ?? 0)
    cursor = Math.max(cursor, to)
    return { stage, from, to, running, failed: stage.is_success === false }
  })
  const known = Math.max(1, ...bars.map((b) => b.to))
  // A running stage reaches to the end of what is known, and a little past it, so it reads as open.
  const span = bars.some((b) => b.running) ? known * 1.08 : known
  for (const b of bars) if (b.running) b.to = Math.max(b.to, span)
  const total = bars.length === 0 || bars.some((b) => b.running) ? undefined : Math.max(...bars.map((b) => b.to)) - Math.min(...bars.map((b) => b.from))
  return { bars, span, total }
}

/** Axis ticks: about `count` round values in [0, span]. */
export function ticks (span: number, count = 6): number[] {
  const raw = span / count
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw
  const out: number[] = []
  for (let v = 0; v <= span + step * 1e-9; v += step) out.push(v)
  return out
}
