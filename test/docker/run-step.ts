import { existsSync, readdirSync } from 'node:fs'
import { basename, dirname, join, posix } from 'node:path'
import { parse } from 'shell-quote'
import type { AptReplay } from './apt-replay.js'
import { Unsupported, type Step } from './dockerfile-model.js'
import { asUser, hostUser, run } from './users.js'

type Word = string | { glob: string }
export interface RunContext { root: string, apt: AptReplay, env: (step: Extract<Step, { kind: 'run' }>) => NodeJS.ProcessEnv }

const FILE_TOOLS = new Set(['rm', 'mkdir', 'chown', 'chmod'])
const NODE_TOOLS = new Set(['npm', 'npx', 'node'])

/** `a && b && c` into its simple commands; any other shell construct is not replayed. */
function simpleCommands (shell: string, env: NodeJS.ProcessEnv, at: string): Word[][] {
  const commands: Word[][] = [[]]
  for (const entry of parse(shell, env as Record<string, string>)) {
    if (typeof entry === 'string') commands[commands.length - 1].push(entry)
    else if ('op' in entry && entry.op === 'glob') commands[commands.length - 1].push({ glob: entry.pattern })
    else if ('op' in entry && entry.op === '&&') commands.push([])
    else throw new Unsupported(`${at}: shell construct ${JSON.stringify(entry)}`)
  }
  return commands.filter((c) => c.length > 0)
}

/** Paths in the image are paths under the stage's root here; only a final `*`-style component is expanded. */
function mapPath (word: Word, root: string, at: string): string[] {
  const text = typeof word === 'string' ? word : word.glob
  const mapped = text.startsWith('/') ? join(root, posix.normalize(text)) : text
  if (typeof word === 'string') return [mapped]
  if (/[*?[]/.test(dirname(text))) throw new Unsupported(`${at}: glob ${text}`)
  const re = new RegExp('^' + basename(text).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$')
  const dir = dirname(mapped)
  const hits = existsSync(dir) ? readdirSync(dir).filter((f) => re.test(f) && !f.startsWith('.')) : []
  // sh leaves an unmatched pattern as it is.
  return hits.length > 0 ? hits.map((f) => join(dir, f)) : [mapped]
}

const plain = (words: Word[], at: string): string[] => words.map((w) => {
  if (typeof w !== 'string') throw new Unsupported(`${at}: glob ${w.glob} in ${String(words[0])}`)
  return w
})

/** Replays one RUN line, command by command, stopping at the first failure as `&&` does. */
export async function runStep (step: Extract<Step, { kind: 'run' }>, ctx: RunContext, state: { aptLists: boolean }): Promise<void> {
  const at = `RUN at line ${step.line}`
  const env = ctx.env(step)
  const user = hostUser(step.at.user)
  const cwd = join(ctx.root, step.at.workdir)
  const commands = 'exec' in step.command ? [step.command.exec] : simpleCommands(step.command.shell, env, at)
  for (const words of commands) {
    const tool = plain(words.slice(0, 1), at)[0]
    const what = `${at}: ${words.map((w) => typeof w === 'string' ? w : w.glob).join(' ')}`
    if (tool === 'apt-get') {
      const args = plain(words.slice(1), at)
      const sub = args.find((a) => !a.startsWith('-'))
      const rest = args.filter((a) => a !== sub)
      if (sub === 'update' && rest.every((a) => a === '-q' || a === '-qq')) {
        await ctx.apt.update()
        state.aptLists = true
      } else if (sub === 'install') {
        // The slim image ships no package lists: install before update fails in docker build.
        if (!state.aptLists) throw new Error(`${what}: no package lists (apt-get update first, in the same stage)`)
        await ctx.apt.install(rest, ctx.root)
      } else throw new Unsupported(`${what}: apt-get ${sub}`)
    } else if (FILE_TOOLS.has(tool)) {
      const args = words.slice(1)
      const options = plain(args.filter((a) => typeof a === 'string' && a.startsWith('-')), at)
      const operands = args.filter((a) => typeof a !== 'string' || !a.startsWith('-'))
      let head: string[] = []
      if (tool === 'chown') {
        const u = hostUser(plain(operands.splice(0, 1), at)[0])
        head = [`${u.uid}:${u.gid}`]
      } else if (tool === 'chmod') head = plain(operands.splice(0, 1), at)
      const paths = operands.flatMap((w) => mapPath(w, ctx.root, at))
      if (tool === 'rm' && operands.some((w) => (typeof w === 'string' ? w : w.glob).startsWith('/var/lib/apt/lists'))) state.aptLists = false
      await run(asUser(user, [tool, ...options, ...head, ...paths]), { cwd, env, what })
    } else if (NODE_TOOLS.has(tool)) {
      const args = plain(words.slice(1), at)
      // An absolute path would reach outside the replay root, onto this machine.
      const outside = args.find((a) => a.startsWith('/') || a.includes('=/'))
      if (outside) throw new Unsupported(`${what}: absolute path ${outside}`)
      await run(asUser(user, [tool, ...args]), { cwd, env, what, timeoutMs: 240_000 })
    } else {
      throw new Unsupported(`${what}: no replay rule for ${tool}; add one to test/docker/run-step.ts`)
    }
  }
}
