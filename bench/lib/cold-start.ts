import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { freePort } from './servers.js'

const status = (port: number, path: string, headers: Record<string, string>): Promise<number> => new Promise((resolve) => {
  const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
    res.resume()
    res.on('end', () => resolve(res.statusCode ?? 0))
  })
  req.on('error', () => resolve(0))
  req.end()
})

export interface ColdStartSpec {
  args: (port: number) => string[]
  path: string
  headers?: Record<string, string>
  env?: Record<string, string>
}

/**
 * Milliseconds from spawn to the first 200 on `path`, asked every 2 ms (a refused connection
 * costs well under that), then the process is stopped.
 */
export async function coldStart ({ args, path, headers = {}, env }: ColdStartSpec): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  const child = spawn(process.execPath, args(port), { stdio: 'ignore', env: { ...process.env, ...env } })
  try {
    while (await status(port, path, headers) !== 200) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before answering: ${args(port).join(' ')}`)
      if (performance.now() - started > 30_000) throw new Error(`no 200 within 30 s: ${args(port).join(' ')}`)
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    return performance.now() - started
  } finally {
    const gone = new Promise((resolve) => child.once('exit', resolve))
    if (child.exitCode === null) child.kill('SIGKILL')
    await gone
  }
}

/** Alternates the two commands `times` times each and returns every sample. */
export async function alternateColdStarts (a: ColdStartSpec, b: ColdStartSpec, times: number): Promise<{ a: number[], b: number[] }> {
  const samples = { a: [] as number[], b: [] as number[] }
  for (let i = 0; i < times; i++) {
    samples.a.push(await coldStart(a))
    samples.b.push(await coldStart(b))
  }
  return samples
}
