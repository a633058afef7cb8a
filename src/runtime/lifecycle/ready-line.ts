import { hostname } from 'node:os'
import type { FastifyInstance } from 'fastify'
import { VERSION } from '../version.js'

/** The URLs a listening app answers on, one per bound address (IPv6 in brackets), https with TLS. */
export function listeningUrls (app: FastifyInstance): string[] {
  const scheme = app.tls === undefined ? 'http' : 'https'
  return app.addresses().map((bound) => typeof bound === 'string'
    ? bound
    : `${scheme}://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`)
}

export interface ReadyDetails {
  /** The self-signed certificate clients must trust (`--tls self-signed`). */
  certificateFile?: string
  /** With --workers, the workers' pids (the line itself carries the primary's). */
  workerPids?: number[]
}

/**
 * The line that says the emulator is ready and where (emulator contract §6): printed on stdout at
 * every log level but `silent`, so `--port 0` is usable at `--log-level warn`. A person at a
 * terminal reads plain text; anything else (CI, Docker, a test harness) gets one JSON line shaped
 * like the log's own, with the URLs as an array.
 */
export function readyLine (urls: readonly string[], tty: boolean, { certificateFile, workerPids }: ReadyDetails = {}, now = Date.now()): string {
  const msg = `Server listening at ${urls.join(' and ')}${certificateFile === undefined ? '' : ` (self-signed TLS certificate: ${certificateFile})`}`
  if (tty) return `${msg} (wks-emulator ${VERSION})\n`
  const line = { level: 30, time: now, pid: process.pid, hostname: hostname(), msg, urls, version: VERSION, certificate_file: certificateFile, worker_pids: workerPids }
  return JSON.stringify(line) + '\n'
}

/**
 * `app.listen()` without Fastify's own "Server listening at" lines (one per address, at info
 * only): the ready line replaces them at every level. Fastify writes them through `app.log.info`,
 * which is silenced only while it listens.
 */
export async function listenQuietly (app: FastifyInstance, host: string, port: number): Promise<string[]> {
  const log = app.log as unknown as { info: unknown }
  const info = log.info
  log.info = () => {}
  try {
    await app.listen({ host, port })
  } finally {
    log.info = info
  }
  return listeningUrls(app)
}
