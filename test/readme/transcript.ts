import { spawnSync } from 'node:child_process'

/*
 * The shell examples of the README and of docs/, read as transcripts. The convention
 * (docs/development.md, "Examples are tested"):
 *
 * - Every fenced block whose language is sh, bash, shell or console is either a transcript, which is
 *   run, or has `<!-- not run: why -->` on the line just above its fence. A block that is neither
 *   fails the test, so no example goes untested by accident.
 * - In a transcript a line starting with `$ ` is a command. It goes on over the next lines while bash
 *   finds it incomplete: a trailing `\`, an open quote, a here-document before its delimiter. The
 *   lines after it, up to the next `$ ` or the fence, are what it must print (stdout and stderr).
 * - Comparison is line by line, trailing spaces ignored. `…` inside a line matches any text within
 *   the line (ids, times); a line that is only `…` matches any number of lines, none included. A
 *   command with no lines after it must print nothing. It must exit 0, unless its last expected
 *   line is `[exit N]`.
 * - `<!-- run: emulator FLAGS -->` above a fence (re)starts the emulator with those flags for that
 *   block and the ones after it; `<!-- run: emulator -->` goes back to the defaults.
 */

export interface Command {
  /** 1-based line of the `$ ` in its file. */
  line: number
  text: string
  expected: string[]
  exitCode: number
}

export interface Block {
  /** 1-based line of the opening fence in its file. */
  line: number
  /** `<!-- not run: why -->` above the fence: the reason; undefined for a transcript. */
  notRun?: string
  /** `<!-- run: emulator FLAGS -->` above the fence: the flags (possibly empty). */
  emulator?: string
  commands: Command[]
}

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console'])
const NOT_RUN = /^<!--\s*not run:\s*(.+?)\s*-->$/
const RUN_EMULATOR = /^<!--\s*run:\s*emulator\b\s*(.*?)\s*-->$/
const EXIT = /^\[exit (\d+)\]$/

/** Whether bash would read more lines to finish this command. */
function incomplete (text: string): boolean {
  if (/\\$/.test(text)) return true
  const heredoc = /<<-?\s*(['"]?)(\w+)\1/.exec(text)
  if (heredoc && !text.split('\n').slice(1).some((l) => l.trim() === heredoc[2])) return true
  // An open quote or parenthesis: bash -n reports an unexpected end of file.
  const check = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' })
  return check.status !== 0 && /unexpected (end of file|EOF)/.test(check.stderr)
}

function parseCommands (lines: string[], firstLine: number): Command[] {
  const commands: Command[] = []
  let i = 0
  while (i < lines.length && !lines[i].startsWith('$ ')) i++
  while (i < lines.length) {
    const line = firstLine + i
    let text = lines[i].slice(2)
    i++
    while (incomplete(text) && i < lines.length) text += '\n' + lines[i++]
    const expected: string[] = []
    while (i < lines.length && !lines[i].startsWith('$ ')) expected.push(lines[i++])
    while (expected.length > 0 && expected[expected.length - 1].trim() === '') expected.pop()
    const exit = EXIT.exec(expected[expected.length - 1] ?? '')
    if (exit) expected.pop()
    commands.push({ line, text, expected, exitCode: exit ? Number(exit[1]) : 0 })
  }
  return commands
}

/** The shell blocks of a Markdown text, in order. */
export function readTranscripts (markdown: string): Block[] {
  const lines = markdown.split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(```+|~~~+)\s*([\w-]*)/.exec(lines[i])
    if (!fence) continue
    const end = lines.findIndex((l, j) => j > i && l.startsWith(fence[1]))
    const close = end === -1 ? lines.length : end
    if (SHELL_LANGUAGES.has(fence[2])) {
      const above = (lines[i - 1] ?? '').trim()
      const body = lines.slice(i + 1, close)
      blocks.push({
        line: i + 1,
        notRun: NOT_RUN.exec(above)?.[1],
        emulator: RUN_EMULATOR.exec(above)?.[1],
        commands: parseCommands(body, i + 2)
      })
    }
    i = close
  }
  return blocks
}

function lineMatches (pattern: string, actual: string): boolean {
  if (!pattern.includes('…')) return pattern === actual
  const source = pattern.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')
  return new RegExp(`^${source}$`).test(actual)
}

/** Whether the printed lines fit the expected ones (`…` wildcards; trailing spaces ignored). */
export function outputMatches (expected: readonly string[], actual: readonly string[]): boolean {
  const want = expected.map((l) => l.trimEnd())
  const got = actual.map((l) => l.trimEnd())
  const match = (w: number, g: number): boolean => {
    if (w === want.length) return g === got.length
    if (want[w] === '…') {
      for (let k = g; k <= got.length; k++) if (match(w + 1, k)) return true
      return false
    }
    return g < got.length && lineMatches(want[w], got[g]) && match(w + 1, g + 1)
  }
  return match(0, 0)
}
