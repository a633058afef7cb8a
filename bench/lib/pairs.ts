import type { LoadResult } from './load.js'
import { median } from './report.js'

/** A row is flagged when the current build serves less than this share of the reference's req/s. */
export const FLOOR = 0.95

/** One round of one scenario: both builds measured back to back. */
export interface Pair { current: LoadResult, reference: LoadResult }

export interface PairRow {
  id: string
  label: string
  pairs: Pair[]
  /** Peak RSS in MB at the end of the scenario. */
  rss: { current: number, reference: number }
}

/** Median over the rounds of each round's current / reference req/s: a drift of the machine between rounds cancels out. */
export const pairRatio = (row: PairRow): number => median(row.pairs.map((p) => p.current.rps / p.reference.rps))

const f0 = (n: number): string => Number.isFinite(n) ? n.toFixed(0) : 'n/a'
const f2 = (n: number): string => Number.isFinite(n) ? n.toFixed(2) : 'n/a'
const side = (row: PairRow, pick: (r: LoadResult) => number, which: keyof Pair): number => median(row.pairs.map((p) => pick(p[which])))
const flag = (ratio: number): string => ratio < FLOOR ? `**${((1 - ratio) * 100).toFixed(1)} % below**` : ''

export interface ColdStarts { current: number[], reference: number[] }

/** The comparison as Markdown: one row per scenario measured, then cold start (time, so its ratio is reference / current). */
export function pairTable (rows: PairRow[], cold: ColdStarts): string {
  const coldRatio = median(cold.reference) / median(cold.current)
  return [
    '| scenario | current req/s | reference req/s | current / reference | by round | p99 ms current / reference | peak RSS MB current / reference | non-2xx + socket errors current / reference | |',
    '|---|---:|---:|---:|---|---:|---:|---:|---|',
    ...rows.map((r) => {
      const ratio = pairRatio(r)
      const errors = (which: keyof Pair): number => r.pairs.reduce((sum, p) => sum + p[which].errors, 0)
      return `| ${r.label} | ${f0(side(r, (m) => m.rps, 'current'))} | ${f0(side(r, (m) => m.rps, 'reference'))} | ${f2(ratio)} | ` +
        `${r.pairs.map((p) => f2(p.current.rps / p.reference.rps)).join(', ')} | ${f2(side(r, (m) => m.p99Ms, 'current'))} / ${f2(side(r, (m) => m.p99Ms, 'reference'))} | ` +
        `${f0(r.rss.current)} / ${f0(r.rss.reference)} | ${errors('current')} / ${errors('reference')} | ${flag(ratio)} |`
    }),
    `| cold start, spawn → first 200 (ms, median of ${cold.current.length}; the ratio is reference / current) | ${f0(median(cold.current))} ms | ${f0(median(cold.reference))} ms | ${f2(coldRatio)} | ` +
      `${cold.current.map((c, i) => f2(cold.reference[i] / c)).join(', ')} | | | | ${flag(coldRatio)} |`
  ].join('\n')
}

/** The verdict line: which rows, if any, fall below the floor. */
export function verdict (rows: PairRow[], cold: ColdStarts): string {
  const below = rows.filter((r) => pairRatio(r) < FLOOR).map((r) => r.id)
  if (median(cold.reference) / median(cold.current) < FLOOR) below.push('cold start')
  return below.length === 0
    ? `No row more than ${((1 - FLOOR) * 100).toFixed(0)} % below the reference.`
    : `${below.length} row(s) more than ${((1 - FLOOR) * 100).toFixed(0)} % below the reference: ${below.join(', ')}.`
}
