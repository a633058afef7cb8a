import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'

/** One line on the machine: CPU, cores, memory, kernel and how busy it was when the run started. */
export function describeMachine (): string {
  const cpu = cpus()
  let kernel = ''
  try { kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim() } catch {}
  const load = loadavg().map((l) => l.toFixed(2)).join(' ')
  return `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${kernel}, load average at start ${load}`
}

export interface Timed { ms: number, peakRssMb: number, stdout: string }

/** Runs a node command to completion, sampling its peak RSS from /proc while it runs. */
export async function runTimed (args: string[]): Promise<Timed> {
  const started = performance.now()
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  child.stdout.on('data', (d) => { stdout += d })
  let peakKb = 0
  const sample = setInterval(() => {
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      if (match) peakKb = Math.max(peakKb, Number(match[1]))
    } catch {}
  }, 100)
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  clearInterval(sample)
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}`)
  return { ms: performance.now() - started, peakRssMb: peakKb / 1024, stdout }
}
