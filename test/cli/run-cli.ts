import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'

export const SERVER = fileURLToPath(new URL('../../dist/server.js', import.meta.url))

export interface Running { child: ChildProcess, url: string, output: () => string, exited: Promise<number | null> }

/** Starts the built CLI on a free port and resolves once its first log line gives the URL (a cluster on a busy machine may take longer than the default). */
export async function startCli (t: Test, args: string[] = [], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<Running> {
  const child = spawn(process.execPath, [SERVER, '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d) => { out += d })
  child.stderr!.on('data', (d) => { out += d })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${timeoutMs / 1000} s: ${out}`)), timeoutMs)
    child.stdout!.on('data', () => {
      const match = /Server listening at (https?:\/\/[^"\s]+)/.exec(out)
      if (match) { clearTimeout(timer); resolve(match[1]) }
    })
    exited.then((code) => { clearTimeout(timer); reject(new Error(`exited ${code}: ${out}`)) })
  })
  return { child, url, output: () => out, exited }
}

/** Runs the CLI to completion and returns its exit code and output. */
export async function runCli (args: string[], env: Record<string, string> = {}): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [SERVER, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += d })
  child.stderr.on('data', (d) => { stderr += d })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, stdout, stderr }
}
