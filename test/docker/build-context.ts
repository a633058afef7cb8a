import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, join, posix, relative } from 'node:path'
import { Unsupported, type Step } from './dockerfile-model.js'

interface Ignore { add: (patterns: string[]) => Ignore, ignores: (path: string) => boolean }
// The package is CommonJS whose types claim an ES default export; require() gets the real factory.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as () => Ignore

/** The build context as `docker build` sends it: the directory less what .dockerignore excludes. */
export class BuildContext {
  readonly #ignore: Ignore
  readonly #reincludes: boolean

  constructor (readonly dir: string) {
    const file = join(dir, '.dockerignore')
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []
    this.#ignore = dockerignore().add(lines)
    this.#reincludes = lines.some((l) => l.trim().startsWith('!'))
  }

  /** Whether a context-relative path was sent (an ignored directory may still hold re-included files). */
  sent (rel: string, isDir: boolean): boolean {
    return !this.#ignore.ignores(rel) || (isDir && this.#reincludes)
  }
}

export interface CopyTarget { root: string, stageRoots: Map<string, string> }

const inRoot = (root: string, abs: string): string => join(root, posix.normalize(abs))

/** Replays one COPY: exactly the named sources, from the context or an earlier stage's root. */
export function copyStep (step: Extract<Step, { kind: 'copy' }>, context: BuildContext, target: CopyTarget): void {
  const at = `COPY at line ${step.line}`
  const dest = inRoot(target.root, step.dest.startsWith('/') ? step.dest : posix.join(step.at.workdir, step.dest))
  const intoDir = step.dest.endsWith('/') || step.dest.endsWith('/.') || step.dest === '.'
  if (step.sources.length > 1 && !intoDir) throw new Error(`${at}: several sources need a destination ending in /`)
  let fromRoot: string | undefined
  if (step.from !== undefined) {
    fromRoot = target.stageRoots.get(step.from)
    if (!fromRoot) throw new Unsupported(`${at}: --from=${step.from} is not an earlier stage of this Dockerfile`)
  }
  for (const source of step.sources) {
    if (/[*?[\]]/.test(source)) throw new Unsupported(`${at}: wildcard source ${source}`)
    const rel = posix.normalize(source).replace(/^\/+/, '')
    if (rel.startsWith('..')) throw new Error(`${at}: ${source} is outside the build context`)
    const src = fromRoot ? join(fromRoot, rel) : join(context.dir, rel)
    const visible = existsSync(src) && (fromRoot !== undefined || context.sent(rel, lstatSync(src).isDirectory()))
    if (!visible) throw new Error(`${at}: ${source} not found in ${fromRoot ? `stage ${step.from}` : 'the build context (missing or .dockerignored)'}`)
    const isDir = lstatSync(src).isDirectory()
    // A directory source copies its contents; a file lands inside a directory destination or as the destination.
    const to = isDir || !intoDir ? dest : join(dest, basename(src))
    mkdirSync(isDir ? to : join(to, '..'), { recursive: true })
    cpSync(src, to, {
      recursive: true,
      verbatimSymlinks: true,
      filter: fromRoot ? undefined : (p) => context.sent(relative(context.dir, p), lstatSync(p).isDirectory())
    })
  }
}
