import { ConfigError } from '../../config/error.js'

/** Exit code of a start-up failure the configuration explains: a flag, a variable or a file it names. */
export const EXIT_CONFIG = 2
/** Exit code of any other failure to start (the port is taken, the address is not this host's). */
export const EXIT_START = 1

const LISTEN_PROBLEMS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this host\'s',
  ENOTFOUND: 'the host name does not resolve'
}

/**
 * One line and an exit code for whatever stopped start-up: the message of a ConfigError (2), a
 * socket error named by its code (1), else the error's message without its stack (1). The line
 * never carries a value the user marked secret: ConfigError messages are written not to.
 */
export function startFailure (err: unknown): { line: string, exitCode: number } {
  if (err instanceof ConfigError) return { line: err.message, exitCode: EXIT_CONFIG }
  const { code, syscall, address, port, message } = (err ?? {}) as NodeJS.ErrnoException & { address?: string, port?: number }
  if (syscall === 'listen' || syscall === 'bind' || syscall === 'getaddrinfo' || (code !== undefined && code in LISTEN_PROBLEMS)) {
    const where = address === undefined ? '' : ` on ${address}${port === undefined ? '' : `:${port}`}`
    return { line: `cannot listen${where}: ${LISTEN_PROBLEMS[code ?? ''] ?? message} (${code})`, exitCode: EXIT_START }
  }
  const text = err instanceof Error ? message : String(err)
  return { line: `cannot start: ${text.split('\n')[0]}`, exitCode: EXIT_START }
}
