import { readFileSync } from 'node:fs'
import type { Server } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'

/** Descriptors kept free for what is not a client connection: the database, its WAL, logs, IPC. */
export const RESERVED_DESCRIPTORS = 64

/** The soft limit on open files of this process (`ulimit -n`), read from /proc on Linux; undefined elsewhere or when unlimited. */
export function openFilesLimit (limits = (): string => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  try {
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits())?.[1]
    return soft === undefined || soft === 'unlimited' ? undefined : Number(soft)
  } catch {
    return undefined
  }
}

/**
 * Keeps client connections from using up the process's file descriptors. Past the limit, Node
 * closes each new connection at once (and emits `drop`) instead of accepting until accept() fails
 * with EMFILE, where SQLite could no longer open its files and, in a `--workers` cluster whose
 * primary hands connections out, a worker could no longer receive them and the cluster stopped
 * answering for good. Capped this way, the emulator answers again as soon as clients go away.
 * The first refusal is logged at warn with the limit and how to raise it.
 */
export function guardDescriptors (server: Server, log: FastifyBaseLogger, limit = openFilesLimit()): void {
  if (limit === undefined) return
  server.maxConnections = Math.max(limit - RESERVED_DESCRIPTORS, 1)
  let warned = false
  server.on('drop', () => {
    if (warned) return
    warned = true
    log.warn({ openFilesLimit: limit, maxConnections: server.maxConnections },
      `refusing connections: ${server.maxConnections} are open, the most the open-files limit (ulimit -n ${limit}) allows beside ${RESERVED_DESCRIPTORS} kept for the database; ` +
      'raise it (ulimit -n 65536, or docker run --ulimit nofile=65536:65536) to serve more at once')
  })
}
