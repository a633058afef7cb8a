import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { AptReplay } from './apt-replay.js'
import { BuildContext, copyStep } from './build-context.js'
import { Unsupported, type Stage } from './dockerfile-model.js'
import { runStep } from './run-step.js'

/** PATH of the official node images. */
export const IMAGE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

export interface ReplayedImage { root: string, stage: Stage, packages: Set<string> }

/**
 * PATH inside the replay: programs unpacked into the stage root first, then this machine's node
 * (it stands in for the image's), then the image's PATH as it exists on the host.
 */
export function replayPath (root: string): string {
  const own = ['usr/local/bin', 'usr/bin', 'bin'].map((d) => join(root, d))
  return [...own, dirname(process.execPath), IMAGE_PATH].join(':')
}

// npm must find its cache and the registry the way it does here; nothing else of the host's
// environment leaks in (npm's own npm_config_* variables would point it at the real checkout).
const PASSED = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'NODE_EXTRA_CA_CERTS', 'npm_config_registry']

function buildEnv (root: string, stepEnv: Record<string, string>, user: string): NodeJS.ProcessEnv {
  const passed = Object.fromEntries(PASSED.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]))
  const asRoot = user === 'root' || user === '0'
  return {
    ...passed,
    // Root's HOME keeps this machine's ~/.npmrc; --prefer-offline keeps the replay's npm ci off the network where the cache can serve it.
    ...(asRoot ? { HOME: homedir() } : {}),
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...stepEnv,
    PATH: replayPath(root)
  }
}

/** The Debian codename of an official node image tag (node:20-bookworm-slim → bookworm), checked against this machine's node. */
function baseOf (stage: Stage): string {
  const m = /^node:(\d+)(?:\.[\d.]+)?-(\w+)(?:-slim)?$/.exec(stage.base)
  if (!m) throw new Unsupported(`FROM ${stage.base}: only the official Debian node images can be replayed`)
  const hostMajor = process.versions.node.split('.')[0]
  if (m[1] !== hostMajor) throw new Unsupported(`FROM ${stage.base}: this machine runs node ${hostMajor}, so a native addon built here would not match`)
  return m[2]
}

/**
 * Replays every stage of the Dockerfile in `workDir/stage-N`, a directory standing for the
 * stage's filesystem root, and returns the last stage (the image that would be shipped).
 */
export async function replayBuild (stages: Stage[], contextDir: string, workDir: string, log: (line: string) => void): Promise<ReplayedImage> {
  const context = new BuildContext(contextDir)
  const codenames = new Set(stages.map(baseOf))
  if (codenames.size !== 1) throw new Unsupported(`stages on different Debian releases: ${[...codenames].join(', ')}`)
  const apt = new AptReplay(workDir, [...codenames][0])
  const stageRoots = new Map<string, string>()
  let root = ''
  for (const stage of stages) {
    root = join(workDir, `stage-${stage.index}`)
    mkdirSync(root, { recursive: true })
    const state = { aptLists: false }
    for (const step of stage.steps) {
      const started = Date.now()
      if (step.kind === 'workdir') mkdirSync(join(root, step.at.workdir), { recursive: true })
      else if (step.kind === 'copy') copyStep(step, context, { root, stageRoots })
      else await runStep(step, { root, apt, env: (s) => buildEnv(root, s.at.env, s.at.user) }, state)
      log(`stage ${stage.name ?? stage.index}, line ${step.line} (${step.kind}): ${((Date.now() - started) / 1000).toFixed(1)} s`)
    }
    stageRoots.set(String(stage.index), root)
    if (stage.name) stageRoots.set(stage.name, root)
  }
  return { root, stage: stages[stages.length - 1], packages: apt.installed.get(root) ?? new Set() }
}

// What the base image itself provides at these paths.
const BASE_PROGRAMS = new Set(['/bin/sh', '/usr/local/bin/node'])

/**
 * Where an absolute program path of the image resolves: unpacked into the replay root, or this
 * machine's copy when the image has it too (from the base, or from a package the stage installed).
 */
export function resolveProgram (image: ReplayedImage, program: string): string {
  if (!program.startsWith('/')) return program
  const inside = join(image.root, program)
  if (existsSync(inside)) return inside
  if (BASE_PROGRAMS.has(program)) return program === '/usr/local/bin/node' ? process.execPath : program
  let owner = ''
  try {
    owner = execFileSync('dpkg', ['-S', program], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(':')[0]
  } catch {}
  if (image.packages.has(owner)) return program
  throw new Error(`${program} is not in the replayed image (neither unpacked there nor from a package the stage installed)`)
}
