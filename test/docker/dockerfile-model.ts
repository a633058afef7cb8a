import { Copy, DockerfileParser, Env, From, Healthcheck, JSONInstruction, ModifiableInstruction, Run, type Instruction } from 'dockerfile-ast'

/** Exec form (an argv) or shell form (a string for /bin/sh -c). */
export type Command = { exec: string[] } | { shell: string }

/** Image state in force at a step: what ENV, WORKDIR and USER set so far in the stage. */
export interface Snapshot { env: Record<string, string>, workdir: string, user: string }

export type Step =
  | { kind: 'run', line: number, command: Command, at: Snapshot }
  | { kind: 'copy', line: number, from?: string, sources: string[], dest: string, at: Snapshot }
  | { kind: 'workdir', line: number, at: Snapshot }

export interface HealthSpec { command: string[], intervalMs: number, timeoutMs: number, startPeriodMs: number, retries: number }

export interface Stage {
  index: number
  name?: string
  base: string
  steps: Step[]
  final: Snapshot & { expose: number[], healthcheck?: HealthSpec, entrypoint?: Command, cmd?: Command }
}

/** Thrown for anything the replay does not model, so that it fails instead of skipping it. */
export class Unsupported extends Error {
  override name = 'Unsupported'
}

const GO_DURATION = /(\d+(?:\.\d+)?)(ms|s|m|h)/g
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

function durationMs (text: string): number {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) throw new Unsupported(`duration ${JSON.stringify(text)}`)
  let total = 0
  for (const [, n, unit] of text.matchAll(GO_DURATION)) total += Number(n) * UNIT_MS[unit]
  return total
}

function command (ins: JSONInstruction): Command {
  if (ins.getOpeningBracket() && ins.getClosingBracket()) return { exec: ins.getJSONStrings().map((s) => s.getJSONValue()) }
  return { shell: ins.getArgumentsContent() ?? '' }
}

function healthcheck (ins: Healthcheck, at: string): HealthSpec | undefined {
  const sub = ins.getSubcommand()?.getValue().toUpperCase()
  if (sub === 'NONE') return undefined
  const match = /^(?:--\S+\s+)*CMD\s+(.*)$/is.exec(ins.getArgumentsContent() ?? '')
  if (sub !== 'CMD' || !match) throw new Unsupported(`${at}: HEALTHCHECK without CMD`)
  const flags = Object.fromEntries(ins.getFlags().map((f) => [f.getName(), f.getValue() ?? '']))
  for (const name of Object.keys(flags)) {
    if (!['interval', 'timeout', 'start-period', 'retries'].includes(name)) throw new Unsupported(`${at}: HEALTHCHECK --${name}`)
  }
  const text = match[1].trim()
  // Docker's defaults, for any flag the Dockerfile leaves out.
  return {
    command: text.startsWith('[') ? JSON.parse(text) as string[] : ['/bin/sh', '-c', text],
    intervalMs: durationMs(flags.interval ?? '30s'),
    timeoutMs: durationMs(flags.timeout ?? '30s'),
    startPeriodMs: durationMs(flags['start-period'] ?? '0s'),
    retries: Number(flags.retries ?? 3)
  }
}

function checkFlags (ins: Instruction, allowed: string[], at: string): void {
  if (!(ins instanceof ModifiableInstruction)) return
  for (const flag of ins.getFlags()) {
    if (!allowed.includes(flag.getName())) throw new Unsupported(`${at}: ${ins.getKeyword()} --${flag.getName()}`)
  }
}

/** Parses a Dockerfile into stages of replayable steps; anything it cannot model throws Unsupported. */
export function parseDockerfile (text: string): Stage[] {
  const stages: Stage[] = []
  let stage: Stage | undefined
  for (const ins of DockerfileParser.parse(text).getInstructions()) {
    const keyword = ins.getKeyword()
    const line = ins.getRange().start.line + 1
    const at = `line ${line}`
    if (keyword !== 'RUN' && (ins.getArgumentsContent() ?? '').includes('$')) throw new Unsupported(`${at}: variable substitution in ${keyword}`)
    if (ins instanceof From) {
      checkFlags(ins, [], at)
      const base = ins.getImage() ?? ''
      if (stages.some((s) => s.name === base)) throw new Unsupported(`${at}: FROM an earlier stage`)
      stage = { index: stages.length, name: ins.getBuildStage() ?? undefined, base, steps: [], final: { env: {}, workdir: '/', user: 'root', expose: [] } }
      stages.push(stage)
      continue
    }
    if (!stage) throw new Unsupported(`${at}: ${keyword} before FROM`)
    const f = stage.final
    const at0 = (): Snapshot => ({ env: { ...f.env }, workdir: f.workdir, user: f.user })
    if (ins instanceof Run) {
      checkFlags(ins, [], at)
      if (ins.getHeredocs().length > 0) throw new Unsupported(`${at}: RUN heredoc`)
      stage.steps.push({ kind: 'run', line, command: command(ins), at: at0() })
    } else if (ins instanceof Copy) {
      checkFlags(ins, ['from'], at)
      if (ins.getHeredocs().length > 0) throw new Unsupported(`${at}: COPY heredoc`)
      const c = command(ins)
      const args = 'exec' in c ? c.exec : ins.getArguments().map((a) => a.getValue())
      if (args.length < 2) throw new Unsupported(`${at}: COPY needs a source and a destination`)
      stage.steps.push({ kind: 'copy', line, from: ins.getFromFlag()?.getValue() ?? undefined, sources: args.slice(0, -1), dest: args[args.length - 1], at: at0() })
    } else if (ins instanceof Env) {
      for (const p of ins.getProperties()) {
        if (p.getName() === 'PATH') throw new Unsupported(`${at}: ENV PATH`)
        f.env[p.getName()] = p.getUnescapedValue() ?? ''
      }
    } else if (keyword === 'WORKDIR') {
      const dir = ins.getArgumentsContent() ?? ''
      f.workdir = dir.startsWith('/') ? dir : `${f.workdir.replace(/\/$/, '')}/${dir}`
      stage.steps.push({ kind: 'workdir', line, at: at0() })
    } else if (keyword === 'USER') {
      f.user = ins.getArgumentsContent() ?? ''
    } else if (keyword === 'EXPOSE') {
      for (const a of ins.getArguments()) {
        const m = /^(\d+)(\/tcp)?$/.exec(a.getValue())
        if (!m) throw new Unsupported(`${at}: EXPOSE ${a.getValue()}`)
        f.expose.push(Number(m[1]))
      }
    } else if (ins instanceof Healthcheck) {
      f.healthcheck = healthcheck(ins, at)
    } else if (keyword === 'ENTRYPOINT' || keyword === 'CMD') {
      checkFlags(ins, [], at)
      // The base image's CMD is not modelled, so there is no inherited CMD for ENTRYPOINT to reset.
      f[keyword === 'ENTRYPOINT' ? 'entrypoint' : 'cmd'] = command(ins as JSONInstruction)
    } else if (keyword !== 'LABEL') {
      // LABEL is metadata only; everything else changes the image in ways this replay does not model.
      throw new Unsupported(`${at}: ${keyword} is not replayed; teach test/docker/ to replay it`)
    }
  }
  if (stages.length === 0) throw new Unsupported('no FROM')
  return stages
}

/** What Docker executes as PID 1: ENTRYPOINT with CMD appended (a shell-form ENTRYPOINT ignores CMD). */
export function containerArgv (final: Stage['final']): string[] {
  const argv = (c: Command): string[] => 'exec' in c ? c.exec : ['/bin/sh', '-c', c.shell]
  if (!final.entrypoint) throw new Unsupported('no ENTRYPOINT: the base image\'s own entrypoint is not modelled')
  if ('shell' in final.entrypoint) return argv(final.entrypoint)
  return [...final.entrypoint.exec, ...(final.cmd ? argv(final.cmd) : [])]
}
