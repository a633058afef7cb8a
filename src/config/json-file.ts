import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs'
import { ConfigError } from './error.js'

/**
 * Largest file read at start-up (fixtures, credentials, fault rules): 256 MiB, half of the longest
 * string V8 can hold, so an oversized file is one clear line instead of an out-of-memory crash.
 */
export const MAX_STARTUP_FILE_BYTES = 256 * 1024 * 1024

function kindOf (stats: Stats): string {
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a FIFO'
  if (stats.isSocket()) return 'a socket'
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device'
  return 'not a regular file'
}

/**
 * The text of a file given at start-up, which must be a regular file (a symlink to one is fine) of
 * at most MAX_STARTUP_FILE_BYTES. It is opened without blocking and checked on the open descriptor,
 * so a FIFO or device is refused instead of hanging start-up, and nothing can swap the file between
 * check and read. `what` names the file in every error (`fixture file x.json: …`); exit code 2.
 * Every file any verb reads (start-up files, TLS PEMs, `import` documents) comes through here;
 * `unreadable` words a file that cannot be opened where a caller has its own wording for it.
 */
export function readStartupFile (path: string, what: string, { unreadable }: { unreadable?: (code: string) => string } = {}): string {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    throw new ConfigError(unreadable?.(code) ?? `${what} ${path}: cannot be read (${code})`)
  }
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) throw new ConfigError(`${what} ${path}: is ${kindOf(stats)}, not a regular file`)
    if (stats.size > MAX_STARTUP_FILE_BYTES) {
      throw new ConfigError(`${what} ${path}: ${stats.size} bytes is over the ${MAX_STARTUP_FILE_BYTES / 1024 / 1024} MiB limit`)
    }
    return readFileSync(fd, 'utf8')
  } catch (err) {
    if (err instanceof ConfigError) throw err
    throw new ConfigError(`${what} ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  } finally {
    closeSync(fd)
  }
}

/**
 * JSON text parsed, or one ConfigError naming `where`. V8's message quotes the text around the
 * mistake, which in credentials is a secret: with `secret`, only the position (when V8 gives one) is kept.
 */
export function parseStartupJson (text: string, where: string, { secret = false } = {}): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    const message = (err as Error).message
    const at = /position (\d+)/.exec(message)
    const detail = text.trim() === '' ? 'the text is empty' : secret ? (at ? `at position ${at[1]}` : '') : message
    throw new ConfigError(`${where}: not valid JSON${detail ? ` (${detail})` : ''}`)
  }
}

/** readStartupFile then parseStartupJson: the one loader of fixture, credentials and fault-rule files. */
export function readJsonFile (path: string, what: string, options: { secret?: boolean } = {}): unknown {
  return parseStartupJson(readStartupFile(path, what), `${what} ${path}`, options)
}
