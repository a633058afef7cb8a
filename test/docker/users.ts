import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'

/** A host account standing in for an image user. */
export interface HostUser { name: string, uid: number, gid: number, note?: string }

// Unprivileged on any Debian host, like the image's own non-root users.
const FALLBACK: HostUser = { name: 'nobody', uid: 65534, gid: 65534 }

function getent (db: 'passwd' | 'group', key: string): string[] | undefined {
  try {
    return execFileSync('getent', [db, key], { encoding: 'utf8' }).trim().split(':')
  } catch {
    return undefined
  }
}

/**
 * Maps an image user (USER node, node:node, 1000) to this machine. The image's /etc/passwd is not
 * here, so the same name on the host stands in for it. When the name does not exist (a host
 * without a node account), nobody stands in: what the test must show is that the image does not
 * need root at run time, and any unprivileged account shows that just as well.
 */
export function hostUser (spec: string): HostUser {
  const [user, group] = spec.split(':')
  if (user === 'root' || user === '0') return { name: 'root', uid: 0, gid: 0 }
  const pw = getent('passwd', user)
  const base = pw
    ? { name: pw[0], uid: Number(pw[2]), gid: Number(pw[3]) }
    : { ...FALLBACK, note: `no user ${user} on this machine: ${FALLBACK.name} stands in for it` }
  if (group === undefined) return base
  const gr = getent('group', group)
  return { ...base, gid: gr ? Number(gr[2]) : FALLBACK.gid }
}

/** Prefixes argv so it runs as that user; the test runs as root, as a Docker build does. */
export function asUser (user: HostUser, argv: string[]): string[] {
  if (user.uid === 0) return argv
  return ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', ...argv]
}

export interface Ran { code: number | null, signal: NodeJS.Signals | null, output: string }

// Under tap, @tapjs/processinfo puts its loader into NODE_OPTIONS of every process the test spawns.
// The image's processes must not carry it: it slows npm down and, run as another user, fails at exit
// writing into this checkout's .tap/. `env -u` strips it after that injection has happened.
const TAP_VARS = ['NODE_OPTIONS', '_TAPJS_PROCESSINFO_EXCLUDE_', '_TAPJS_PROCESSINFO_EXTERNAL_ID_']

/** Spawns argv with exactly the given env and keeps the tail of its output, for error messages. */
export function start (argv: string[], options: SpawnOptions): { child: ChildProcess, done: Promise<Ran> } {
  const wanted = options.env?.NODE_OPTIONS
  const clean = ['env', ...TAP_VARS.flatMap((v) => ['-u', v]), ...(wanted ? [`NODE_OPTIONS=${wanted}`] : [])]
  const child = spawn(clean[0], [...clean.slice(1), ...argv], { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (d: Buffer): void => { output = (output + d.toString()).slice(-8000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const done = new Promise<Ran>((resolve) => {
    child.on('error', (err) => { output += String(err); resolve({ code: null, signal: null, output }) })
    child.on('close', (code, signal) => resolve({ code, signal, output }))
  })
  return { child, done }
}

/** Runs argv to completion; a non-zero exit or a timeout rejects with the command and its output. */
export async function run (argv: string[], options: SpawnOptions & { timeoutMs?: number, what?: string }): Promise<Ran> {
  const { child, done } = start(argv, options)
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000)
  const ran = await done.finally(() => clearTimeout(timer))
  if (ran.code !== 0) throw new Error(`${options.what ?? argv.join(' ')} failed (exit ${ran.code ?? ran.signal}):\n${ran.output}`)
  return ran
}
