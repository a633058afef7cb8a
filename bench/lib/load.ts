import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** One measurement: throughput and latency as the load generator saw them. */
export interface LoadResult {
  rps: number
  p50Ms: number
  p99Ms: number
  requests: number
  /** Non-2xx answers plus socket errors; a run with any is not a fair number. */
  errors: number
}

export interface LoadSpec {
  url: string
  headers?: Record<string, string>
  /**
   * Requests to pick from at random, one per line: a path, then optionally tab-separated
   * `Name: value` headers (keys of a large database; requests signed in advance).
   */
  pathsFile?: string
  durationS: number
  connections: number
}

export interface LoadGenerator {
  name: string
  version: string
  /** The command line as a person would type it, for the report. */
  command: (spec: LoadSpec) => string
  run: (spec: LoadSpec) => Promise<LoadResult>
}

const LUA_SCRIPT = new URL('../random-keys.lua', import.meta.url).pathname

function wrkArgs (spec: LoadSpec): string[] {
  const args = ['-t1', `-c${spec.connections}`, `-d${spec.durationS}s`, '--latency']
  for (const [name, value] of Object.entries(spec.headers ?? {})) args.push('-H', `${name}: ${value}`)
  if (spec.pathsFile) args.push('-s', LUA_SCRIPT)
  args.push(spec.url)
  if (spec.pathsFile) args.push('--', spec.pathsFile)
  return args
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }

function latencyMs (out: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out)
  if (!match) throw new Error(`wrk output has no ${percentile}% latency:\n${out}`)
  return Number(match[1]) * UNIT_MS[match[2]]
}

/** Parses wrk's text output (with --latency). */
export function parseWrk (out: string): LoadResult {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out)
  const total = /^\s*(\d+) requests in/m.exec(out)
  if (!rps || !total) throw new Error(`unexpected wrk output:\n${out}`)
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(out)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  return {
    rps: Number(rps[1]),
    p50Ms: latencyMs(out, '50'),
    p99Ms: latencyMs(out, '99'),
    requests: Number(total[1]),
    errors: (non2xx ? Number(non2xx[1]) : 0) + socketErrors
  }
}

const quote = (arg: string): string => /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`

function wrk (version: string): LoadGenerator {
  return {
    name: 'wrk',
    version,
    command: (spec) => ['wrk', ...wrkArgs(spec)].map(quote).join(' '),
    run: (spec) => new Promise((resolve, reject) => {
      const child = spawn('wrk', wrkArgs(spec), { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.on('data', (d) => { out += d })
      child.stderr.on('data', (d) => { out += d })
      child.on('error', reject)
      child.on('exit', (code) => {
        if (code !== 0) { reject(new Error(`wrk exited ${code}:\n${out}`)); return }
        try { resolve(parseWrk(out)) } catch (err) { reject(err) }
      })
    })
  }
}

/** autocannon in this process: on two cores it tops out near 45 k req/s, below a fast server. */
async function autocannon (): Promise<LoadGenerator> {
  const { default: run } = await import('autocannon')
  const { version } = JSON.parse(readFileSync(new URL('../../node_modules/autocannon/package.json', import.meta.url), 'utf8')) as { version: string }
  return {
    name: 'autocannon',
    version,
    command: (spec) => ['npx', 'autocannon', '-c', String(spec.connections), '-d', String(spec.durationS),
      ...Object.entries(spec.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), spec.url].map(quote).join(' ') +
      (spec.pathsFile ? ` (each request's path drawn from ${spec.pathsFile})` : ''),
    run: async (spec) => {
      const lines = spec.pathsFile ? readFileSync(spec.pathsFile, 'utf8').split('\n').filter(Boolean) : undefined
      const requests = lines?.map((line) => {
        const [path, ...fields] = line.split('\t')
        return { path, headers: Object.fromEntries(fields.map((f) => [f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 1).trim()])) }
      })
      const result = await run({
        url: spec.url,
        connections: spec.connections,
        duration: spec.durationS,
        headers: spec.headers,
        requests: requests
          ? [{ setupRequest: (req) => { const r = requests[Math.floor(Math.random() * requests.length)]; return { ...req, path: r.path, headers: { ...req.headers, ...r.headers } } } }]
          : undefined
      })
      return {
        rps: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        requests: result.requests.total,
        errors: result.non2xx + result.errors + result.timeouts
      }
    }
  }
}

/** wrk when it is installed (Debian package `wrk`), else autocannon. */
export async function pickLoadGenerator (prefer?: string): Promise<LoadGenerator> {
  if (prefer !== 'autocannon') {
    try {
      const banner = execFileSync('wrk', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      return wrk(/^wrk (\S+)/.exec(banner)?.[1] ?? 'unknown')
    } catch (err) {
      // wrk --version exits 1 after printing its banner.
      const banner = String((err as { stdout?: string }).stdout ?? '')
      if (banner.startsWith('wrk ')) return wrk(/^wrk (\S+)/.exec(banner)?.[1] ?? 'unknown')
      if (prefer === 'wrk') throw new Error('wrk is not installed (apt-get install wrk)')
    }
  }
  return await autocannon()
}
