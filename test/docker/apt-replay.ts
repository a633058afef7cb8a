import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Unsupported } from './dockerfile-model.js'
import { run } from './users.js'

const INSTALL_OPTIONS = new Set(['-y', '--yes', '-q', '--quiet', '--no-install-recommends'])

/**
 * apt-get, replayed without touching the host. Running the Dockerfile's apt-get lines for real
 * would install packages on this machine and rewrite its package lists, and still prove little
 * about the slim image. Instead:
 * - `apt-get update` fetches the image's Debian suites into a private state directory (host
 *   sources, lists and pinning are left alone);
 * - `apt-get install` is simulated (`-s`) against that index, so an unknown or unresolvable
 *   package fails the replay;
 * - a named package missing on the host (tini) is downloaded and unpacked into the stage's root,
 *   so that the replay really runs it; packages already installed here (the compiler) are used
 *   from the host, which is why the host must be the image's Debian release.
 */
export class AptReplay {
  readonly #dir: string
  readonly #codename: string
  #index: Promise<void> | undefined
  /** Packages each stage root had installed, for resolving the image's program paths later. */
  readonly installed = new Map<string, Set<string>>()

  constructor (workDir: string, codename: string) {
    const host = /^VERSION_CODENAME=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]
    if (host !== codename) throw new Unsupported(`the image is Debian ${codename} but this machine runs ${host}: apt lines cannot be checked here`)
    this.#dir = join(workDir, 'apt')
    this.#codename = codename
  }

  #options (): string[] {
    const d = this.#dir
    return ['-o', `Dir::State::Lists=${d}/lists`, '-o', `Dir::Cache=${d}/cache`, '-o', `Dir::Etc::SourceList=${d}/sources.list`,
      '-o', `Dir::Etc::SourceParts=${d}/empty`, '-o', 'Dir::Etc::Preferences=/dev/null', '-o', `Dir::Etc::PreferencesParts=${d}/empty`,
      '-o', 'Debug::NoLocking=1', '-o', 'APT::Sandbox::User=root', '-q']
  }

  /** `apt-get update`: the suites the official Debian-based node images list, fetched once per test run. */
  async update (): Promise<void> {
    this.#index ??= (async () => {
      for (const sub of ['lists/partial', 'cache/archives/partial', 'empty', 'debs']) mkdirSync(join(this.#dir, sub), { recursive: true })
      const key = '[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]'
      const c = this.#codename
      writeFileSync(join(this.#dir, 'sources.list'), [
        `deb ${key} http://deb.debian.org/debian ${c} main`,
        `deb ${key} http://deb.debian.org/debian ${c}-updates main`,
        `deb ${key} http://deb.debian.org/debian-security ${c}-security main`, ''
      ].join('\n'))
      await run(['apt-get', ...this.#options(), 'update'], { timeoutMs: 120_000, what: 'apt-get update (private index)' })
    })()
    return this.#index
  }

  /** `apt-get install`: simulated; packages the host lacks are unpacked into `root`. */
  async install (args: string[], root: string): Promise<void> {
    const options = args.filter((a) => a.startsWith('-'))
    const packages = args.filter((a) => !a.startsWith('-'))
    for (const o of options) if (!INSTALL_OPTIONS.has(o)) throw new Unsupported(`apt-get install ${o}`)
    // Without -y a non-interactive build aborts at the prompt.
    if (!options.some((o) => o === '-y' || o === '--yes')) throw new Error('apt-get install without -y would stop at its prompt in docker build')
    if (packages.length === 0) throw new Error('apt-get install names no package')
    await run(['apt-get', ...this.#options(), '-s', 'install', ...options, ...packages], { timeoutMs: 60_000, what: `apt-get install ${packages.join(' ')} (simulated)` })
    const installed = this.installed.get(root) ?? new Set()
    this.installed.set(root, installed)
    for (const p of packages) installed.add(p)
    const debs = join(this.#dir, 'debs')
    for (const pkg of packages.filter((p) => !installedHere(p))) {
      await run(['apt-get', ...this.#options(), 'download', pkg], { cwd: debs, timeoutMs: 60_000, what: `apt-get download ${pkg}` })
      const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'))
      if (!deb) throw new Error(`apt-get download ${pkg} left no .deb`)
      await run(['dpkg-deb', '-x', join(debs, deb), root], { what: `unpacking ${deb}` })
    }
  }
}

function installedHere (pkg: string): boolean {
  try {
    return /^Status: install ok installed$/m.test(execFileSync('dpkg', ['-s', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
  } catch {
    return false
  }
}
