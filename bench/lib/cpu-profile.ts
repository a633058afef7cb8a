import { readFileSync } from 'node:fs'
import { relative } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  hitCount?: number
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export interface SelfTime { name: string, where: string, ms: number, share: number }

/**
 * Self time per function of a V8 .cpuprofile (what `node --cpu-prof` writes), heaviest first.
 * Idle and GC are kept as their own rows: how much of the run was idle says whether the load
 * generator, not the server, was the limit.
 */
export function selfTimes (file: string, root = process.cwd()): SelfTime[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const totals = new Map<string, SelfTime>()
  let all = 0
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame
    const name = functionName || '(anonymous)'
    const path = url.replace(/^file:\/\//, '')
    const where = path ? `${path.startsWith('/') ? relative(root, path) : path}:${lineNumber + 1}` : ''
    const key = `${name}\u0000${where}`
    const row = totals.get(key) ?? { name, where, ms: 0, share: 0 }
    row.ms += us / 1000
    totals.set(key, row)
    all += us
  })
  return [...totals.values()]
    .map((r) => ({ ...r, share: all === 0 ? 0 : (r.ms * 1000) / all }))
    .sort((a, b) => b.ms - a.ms)
}

/** A Markdown table of the top rows. */
export function selfTimeTable (rows: SelfTime[], top = 15): string {
  const lines = ['| self % | self ms | function | where |', '|---:|---:|---|---|']
  for (const r of rows.slice(0, top)) {
    lines.push(`| ${(r.share * 100).toFixed(1)} | ${r.ms.toFixed(0)} | \`${r.name}\` | ${r.where.replace(/^node_modules\//, '')} |`)
  }
  return lines.join('\n')
}
