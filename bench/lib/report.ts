import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { LoadResult } from './load.js'

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

export interface Measurement extends LoadResult {
  scenario: string
  round: number
  /** req/s of the baseline measured just before, in the same round. */
  baselineRps: number
}

export interface Row {
  id: string
  label: string
  rps: number
  ratio: number
  p50Ms: number
  p99Ms: number
  peakRssMb: number
  errors: number
  rounds: number[]
}

/** Medians over the rounds; the ratio is the median of each round's own ratio. */
export function summarise (ids: Array<{ id: string, label: string }>, measurements: Measurement[], rss: Record<string, number>): Row[] {
  return ids.map(({ id, label }) => {
    const mine = measurements.filter((m) => m.scenario === id)
    return {
      id,
      label,
      rps: median(mine.map((m) => m.rps)),
      ratio: median(mine.map((m) => m.rps / m.baselineRps)),
      p50Ms: median(mine.map((m) => m.p50Ms)),
      p99Ms: median(mine.map((m) => m.p99Ms)),
      peakRssMb: rss[id] ?? NaN,
      errors: mine.reduce((sum, m) => sum + m.errors, 0),
      rounds: mine.map((m) => m.rps)
    }
  })
}

export interface Target { what: string, goal: string, measured: string, met: boolean }

const f0 = (n: number): string => Number.isFinite(n) ? n.toFixed(0) : 'n/a'
const f2 = (n: number): string => Number.isFinite(n) ? n.toFixed(2) : 'n/a'

export function throughputTable (rows: Row[]): string {
  return [
    '| scenario | req/s (median) | × baseline (same round) | p50 ms | p99 ms | peak RSS MB | non-2xx + socket errors | req/s per round |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.label} | ${f0(r.rps)} | ${r.id === 'baseline' ? '1.00' : f2(r.ratio)} | ${f2(r.p50Ms)} | ${f2(r.p99Ms)} | ${f0(r.peakRssMb)} | ${r.errors} | ${r.rounds.map(f0).join(', ')} |`)
  ].join('\n')
}

export function targetTable (targets: Target[]): string {
  return [
    '| target | goal | measured | met? |',
    '|---|---|---|---|',
    ...targets.map((t) => `| ${t.what} | ${t.goal} | ${t.measured} | ${t.met ? 'met' : '**missed**'} |`)
  ].join('\n')
}

const BEGIN = '<!-- bench:begin — written by `npm run bench`; edit outside these markers -->'
const END = '<!-- bench:end -->'

/** Replaces the measured part of the report file, keeping what people wrote around it. */
export function writeReport (file: string, body: string): void {
  const block = `${BEGIN}\n${body.trim()}\n${END}`
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n'
  const start = old.indexOf(BEGIN)
  const end = old.indexOf(END)
  const next = start !== -1 && end > start
    ? old.slice(0, start) + block + old.slice(end + END.length)
    : `${old.trimEnd()}\n\n${block}\n`
  writeFileSync(file, next)
}
