import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { docFiles } from './doc-files.js'
import { outputMatches, readTranscripts, type Command } from './transcript.js'

/*
 * Runs the shell examples of the README and of every page under docs/ (see ./transcript.ts for the
 * convention, also described in docs/development.md under "Examples are tested"). Each file is one
 * session, files one after another in docFiles() order, its blocks top to bottom in one bash:
 * - in an empty temporary directory of its own, with `wks-emulator` on PATH standing for the built
 *   dist/server.js;
 * - against an emulator this test starts for the file with `--port 0` (plus the flags of the last
 *   `<!-- run: emulator FLAGS -->`): `localhost:8080` and `127.0.0.1:8080` in commands and expected
 *   output stand for its real address, and `--port 8080` for its port;
 * - each command with stdin from /dev/null, stdout and stderr together, within 30 s;
 * - curl without its progress meter (a .curlrc of `no-progress-meter`), which it shows only when its
 *   output is not a terminal: the README shows what a person at a terminal sees.
 * Adding a page or a section: write its examples as `$ ` transcripts with the output they print, or put
 * `<!-- not run: why -->` above the fence when they need what a test cannot have (Docker, the cloud).
 * A file starts from nothing: an example that needs an earlier one's record, variable or file must
 * be in the same file, after it.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SERVER = join(ROOT, 'dist/server.js')
const COMMAND_TIMEOUT_MS = 30_000
const DOC_ADDRESSES = /\b(?:localhost|127\.0\.0\.1):8080\b/g
const DOC_PORT_FLAG = /--port 8080\b/g
const inTest = (text: string, address: string): string =>
  text.replace(DOC_ADDRESSES, address).replace(DOC_PORT_FLAG, `--port ${address.split(':').pop()}`)

interface Emulator { child: ChildProcess, address: string, output: () => string }

async function startEmulator (flags: string): Promise<Emulator> {
  const args = flags.split(/\s+/).filter(Boolean)
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d) => { out += d })
  child.stderr!.on('data', (d) => { out += d })
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within 10 s: ${out}`)), 10_000)
    const onData = (): void => {
      const line = out.split('\n').find((l) => l.includes('"urls"'))
      if (line === undefined) return
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      resolve(new URL((JSON.parse(line) as { urls: string[] }).urls[0]).host)
    }
    child.stdout!.on('data', onData)
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`emulator ${flags} exited ${code}: ${out}`)) })
  })
  return { child, address, output: () => out }
}

async function stopEmulator (emulator: Emulator | undefined): Promise<void> {
  if (emulator === undefined || emulator.child.exitCode !== null) return
  const exited = new Promise((resolve) => emulator.child.once('exit', resolve))
  emulator.child.kill('SIGTERM')
  await exited
}

/** One bash for a whole file, so variables set by one example are there for the next. */
function startShell (cwd: string, bin: string, file: string): { run: (command: Command, address: string) => Promise<{ output: string, exitCode: number }>, close: () => void } {
  writeFileSync(join(bin, '.curlrc'), 'no-progress-meter\n')
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, CURL_HOME: bin }
  // A process group of its own, so that closing it ends whatever an example left running.
  const shell = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true })
  let buffer = ''
  shell.stdout.on('data', (d) => { buffer += d })
  shell.stderr.on('data', (d) => { buffer += d })
  shell.stdin.write('exec 2>&1\n')
  let n = 0
  const run = async (command: Command, address: string): Promise<{ output: string, exitCode: number }> => {
    const marker = `__readme_done_${++n}__`
    const script = join(cwd, `.command-${n}.sh`)
    writeFileSync(script, inTest(command.text, address) + '\n')
    buffer = ''
    shell.stdin.write(`. ${script} < /dev/null; printf '\\n${marker} %d\\n' $?\n`)
    const deadline = Date.now() + COMMAND_TIMEOUT_MS
    for (;;) {
      const at = buffer.indexOf(`\n${marker} `)
      if (at !== -1 && buffer.indexOf('\n', at + 1) !== -1) {
        const exitCode = Number(buffer.slice(at + marker.length + 2).split('\n')[0])
        return { output: buffer.slice(0, at), exitCode }
      }
      if (Date.now() > deadline) throw new Error(`${file} line ${command.line}: no end within ${COMMAND_TIMEOUT_MS / 1000} s; printed so far:\n${buffer}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
  return { run, close: () => { try { process.kill(-shell.pid!, 'SIGKILL') } catch {} } }
}

/** Runs one file's examples in a session of its own; returns how many commands ran. */
async function runFile (t: Test, file: string): Promise<number> {
  const blocks = readTranscripts(readFileSync(join(ROOT, file), 'utf8'))
  const cwd = mkdtempSync(join(tmpdir(), 'wks-readme-'))
  const bin = join(cwd, '.bin')
  mkdirSync(bin)
  writeFileSync(join(bin, 'wks-emulator'), `#!/bin/sh\nexec "${process.execPath}" "${SERVER}" "$@"\n`)
  chmodSync(join(bin, 'wks-emulator'), 0o755)
  const shell = startShell(cwd, bin, file)
  let emulator: Emulator | undefined
  t.teardown(async () => {
    shell.close()
    await stopEmulator(emulator)
    rmSync(cwd, { recursive: true, force: true })
  })

  let ran = 0
  for (const block of blocks) {
    if (block.notRun !== undefined) {
      t.comment(`${file} line ${block.line}: not run (${block.notRun})`)
      continue
    }
    if (block.commands.length === 0) {
      t.fail(`${file} line ${block.line}: a shell block with no "$ " command; write it as a transcript or mark it <!-- not run: why -->`)
      continue
    }
    if (emulator === undefined || block.emulator !== undefined) {
      await stopEmulator(emulator)
      emulator = await startEmulator(block.emulator ?? '')
    }
    for (const command of block.commands) {
      const { output, exitCode } = await shell.run(command, emulator.address)
      const expected = command.expected.map((l) => inTest(l, emulator!.address))
      const printed = output === '' ? [] : output.replace(/\n$/, '').split('\n')
      const shown = command.text.split('\n')[0]
      t.ok(outputMatches(expected, printed), `${file} line ${command.line}: $ ${shown}`, { expected: expected.join('\n'), printed: printed.join('\n') })
      t.equal(exitCode, command.exitCode, `${file} line ${command.line}: exit code`)
      ran++
    }
  }
  return ran
}

t.test('every shell example in the README and docs/ prints what it says', async (t) => {
  for (const file of docFiles(ROOT)) {
    await t.test(file, async (t) => {
      const ran = await runFile(t, file)
      if (file === 'README.md') t.ok(ran > 0, `${ran} README commands run`)
      else t.comment(`${ran} commands run`)
    })
  }
})
