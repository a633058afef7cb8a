import { Writable } from 'node:stream'
import type { Test } from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp, type BuildOptions } from '../src/app.js'
import { resolveConfig, type Config } from '../src/config/config.js'

export { DOC_BODY, DOC_PATH, DOC_PROJECT, DOC_TRANSACTION } from './documented.js'
export const TOKEN = { 'x-auth-token': 'test-token' }

/** Builds the app as the CLI does, silent, closed when the test ends. */
export async function build (t: Test, overrides: Partial<Config> = {}, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp(resolveConfig({ logLevel: 'silent', ...overrides }), options)
  t.teardown(() => app.close())
  return app
}

/** The app as the CLI builds it, listening on 127.0.0.1 and a free port, closed when the test ends. */
export async function listening (t: Test, overrides: Partial<Config> = {}, options: BuildOptions = {}): Promise<{ app: FastifyInstance, port: number, url: string }> {
  const app = await build(t, overrides, options)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { app, port, url: `http://127.0.0.1:${port}` }
}

export interface LogCapture {
  /** Pass as BuildOptions.logStream. */
  stream: Writable
  /** Every line written so far, in order. */
  lines: string[]
  /** The lines parsed. */
  entries: () => Array<Record<string, unknown>>
}

/** A log destination that keeps every line, for tests that read what the emulator logged. */
export function captureLogs (): LogCapture {
  const lines: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done() } })
  return { stream, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) }
}

export function stagesUrl (projectId: string, query = ''): string {
  return `/v2/${projectId}/statistics/metrics/access-stages${query}`
}

export const REQUEST_ID = /^[0-9a-f]{32}$/

/** Asserts the exact error body (with request_id = X-Request-Id for gateway codes) and status. */
export function assertError (t: Test, res: LightMyRequestResponse, status: number, code: string, msg: string | RegExp): void {
  t.equal(res.statusCode, status, 'status')
  t.match(res.headers['content-type'], /^application\/json/)
  const id = res.headers['x-request-id']
  t.match(id, REQUEST_ID, 'X-Request-Id is 32 lowercase hex')
  const body = res.json()
  const expected: Record<string, unknown> = { error_code: code, error_msg: body.error_msg }
  if (code.startsWith('APIGW.')) expected.request_id = id
  t.same(body, expected, 'body has exactly the catalogue fields')
  if (typeof msg === 'string') t.equal(body.error_msg, msg)
  else t.match(body.error_msg, msg)
}
