import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { containerArgv } from './dockerfile-model.js'
import { replayPath, resolveProgram, type ReplayedImage } from './replay.js'
import { asUser, hostUser, run, start, type Ran } from './users.js'

export interface Container { pid: number, done: Promise<Ran>, stop: () => Promise<Ran>, exited: () => boolean }

/** The environment `docker run` gives the process: the image's PATH and ENV, then the caller's -e. */
export function containerEnv (image: ReplayedImage, overrides: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: replayPath(image.root),
    // In a container tini is PID 1 and reaps orphans; here it asks the kernel for the same role.
    TINI_SUBREAPER: '1',
    ...image.stage.final.env,
    ...overrides
  }
}

/** Starts ENTRYPOINT + CMD from the final WORKDIR as the final USER. */
export function startContainer (image: ReplayedImage, env: NodeJS.ProcessEnv): Container {
  const { final } = image.stage
  const argv = containerArgv(final)
  argv[0] = resolveProgram(image, argv[0])
  const { child, done } = start(asUser(hostUser(final.user), argv), { cwd: join(image.root, final.workdir), env })
  let exited = false
  done.then(() => { exited = true }, () => {})
  return {
    pid: child.pid ?? -1,
    done,
    exited: () => exited,
    // `docker stop`: SIGTERM to PID 1, SIGKILL after 10 s.
    stop: async () => {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      return await done.finally(() => clearTimeout(timer))
    }
  }
}

/**
 * Runs the HEALTHCHECK command the way the engine does (same user, env and WORKDIR, killed after
 * --timeout) until it succeeds. It probes more often than --interval to keep the test short, but
 * gives up where Docker would declare the container unhealthy: after start-period + retries × interval.
 */
export async function waitHealthy (image: ReplayedImage, env: NodeJS.ProcessEnv, container: Container): Promise<{ ms: number, probes: number }> {
  const spec = image.stage.final.healthcheck
  if (!spec) throw new Error('the image has no HEALTHCHECK')
  const argv = [...spec.command]
  argv[0] = resolveProgram(image, argv[0])
  const cwd = join(image.root, image.stage.final.workdir)
  const started = Date.now()
  const budget = spec.startPeriodMs + spec.retries * spec.intervalMs
  let last = ''
  for (let probes = 1; ; probes++) {
    try {
      await run(asUser(hostUser(image.stage.final.user), argv), { cwd, env, timeoutMs: spec.timeoutMs, what: 'HEALTHCHECK' })
      return { ms: Date.now() - started, probes }
    } catch (err) {
      last = (err as Error).message
    }
    if (container.exited()) throw new Error(`the container exited before it was healthy:\n${(await container.done).output}`)
    if (Date.now() - started > budget) throw new Error(`unhealthy after ${budget} ms; last probe: ${last}`)
    await sleep(Math.min(spec.intervalMs, 250))
  }
}
