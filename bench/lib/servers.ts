import { spawn, type ChildProcess } from 'node:child_process'
import { openSync, readdirSync, readFileSync } from 'node:fs'
import { get as httpsGet } from 'node:https'
import { createServer } from 'node:net'

export interface Server {
  name: string
  pid: number
  port: number
  url: string
  /** Peak resident memory (VmHWM) in MB of the process and, for a cluster, of its workers summed. */
  peakRssMb: () => number
  stop: () => Promise<void>
}

export interface ServerSpec {
  name: string
  /** Arguments to node; `{port}` is replaced by the chosen port. */
  args: string[]
  env?: Record<string, string>
  /** A GET that answers 200 once the server can serve (with these headers). */
  readyPath: string
  readyHeaders?: Record<string, string>
  /** Where stdout and stderr go: a file, as a container runtime would collect them. */
  logFile: string
  /** The server speaks HTTPS (a self-signed certificate: readiness probes do not verify it). */
  tls?: boolean
}

/** A free port on 127.0.0.1, chosen by the OS. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** One GET; resolves with the status, or 0 when nothing answered. */
export async function getStatus (url: string, headers: Record<string, string> = {}): Promise<number> {
  if (url.startsWith('https:')) return await getStatusTls(url, headers)
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) })
    await res.arrayBuffer()
    return res.status
  } catch {
    return 0
  }
}

/** getStatus over HTTPS without verifying the certificate: fetch() cannot be told to trust one. */
function getStatusTls (url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = httpsGet(url, { headers, rejectUnauthorized: false, timeout: 2000 }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(0))
  })
}

/** The direct children of a process (Linux only): a cluster's workers. */
function children (pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number))
  } catch {
    return []
  }
}

/** Every process below `pid` (Linux only), listed before any is stopped: once a parent is gone, its children belong to init. */
export function descendants (pid: number): number[] {
  return children(pid).flatMap((child) => [child, ...descendants(child)])
}

/** VmHWM of a process in kB (0 once it has exited); Linux only. */
function peakRssKb (pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return match ? Number(match[1]) : 0
  } catch {
    return 0
  }
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()))

export async function startServer (spec: ServerSpec): Promise<Server> {
  const port = await freePort()
  const out = openSync(spec.logFile, 'a')
  const child = spawn(process.execPath, spec.args.map((a) => a.replace('{port}', String(port))), {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', out, out]
  })
  const url = `${spec.tls === true ? 'https' : 'http'}://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  while (await getStatus(url + spec.readyPath, spec.readyHeaders) !== 200) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited ${child.exitCode} at start; see ${spec.logFile}`)
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`${spec.name} not ready in 60 s; see ${spec.logFile}`) }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const pid = child.pid!
  return {
    name: spec.name,
    pid,
    port,
    url,
    peakRssMb: () => [pid, ...children(pid)].reduce((sum, p) => sum + peakRssKb(p), 0) / 1024,
    stop: async () => {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited(child)
      clearTimeout(timer)
    }
  }
}
