import { execFile } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface Build {
  /** Where its package.json is; the emulator starts as `node <root>/dist/server.js`. */
  root: string
  serverJs: string
  /** Short commit and subject, for the report. */
  describe: string
}

async function git (root: string, args: string[]): Promise<string> {
  return (await run('git', args, { cwd: root })).stdout.trim()
}

/** This checkout as built by `npm run bench`, named by HEAD and whether files differ from it. */
export async function currentBuild (root: string): Promise<Build> {
  const head = await git(root, ['log', '-1', '--format=%h %s', 'HEAD'])
  const dirty = await git(root, ['status', '--porcelain', '--untracked-files=no']) !== ''
  return { root, serverJs: join(root, 'dist/server.js'), describe: `${head}${dirty ? ' (plus uncommitted changes)' : ''}` }
}

/**
 * Builds the commit `ref` names into `dest`: its files come from `git archive`, which leaves the
 * repository's worktrees and index alone; this checkout's node_modules is linked in (never
 * installed again); then the commit's own `npm run build`. `removeReference` undoes it.
 */
export async function buildReference (root: string, ref: string, dest: string, timeoutMs: number): Promise<Build> {
  let commit: string
  try {
    commit = await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
  } catch {
    throw new Error(`--against ${ref}: not a commit of this repository`)
  }
  mkdirSync(dest, { recursive: true })
  const tar = `${dest}.tar`
  await run('git', ['archive', '--format=tar', '-o', tar, commit], { cwd: root, timeout: timeoutMs })
  await run('tar', ['-xf', tar, '-C', dest], { timeout: timeoutMs })
  rmSync(tar)
  symlinkSync(join(root, 'node_modules'), join(dest, 'node_modules'))
  await run('npm', ['run', 'build', '--silent'], { cwd: dest, timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 })
  return { root: dest, serverJs: join(dest, 'dist/server.js'), describe: await git(root, ['log', '-1', '--format=%h %s', commit]) }
}

/** Deletes a reference build; the node_modules link goes first, so nothing can follow it into this checkout's. */
export function removeReference (dest: string): void {
  rmSync(join(dest, 'node_modules'), { force: true })
  // Retried: a build killed an instant before may still be finishing its last write.
  rmSync(dest, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
}
