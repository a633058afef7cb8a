import type { Test } from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp, type BuildOptions } from '../src/app.js'
import { resolveConfig, type Config } from '../src/config.js'

export const DOC_PROJECT = 'a4a5d4098fb4474fa22cd05f897d6b99'
export const DOC_TRANSACTION = '3f0c2a7e-9b1d-4c5e-8f6a-2d4b6c8e0a11'
/** The documented example response, byte for byte as the emulator sends it. */
export const DOC_BODY = '{"username":"user001","biz_type":"APP","stages":[{"stage":"LOGIN","duration":500,"is_success":true,' +
  '"start_time":1724328355052,"end_time":1724328355052,"error_code":"WKS.00000000","error_msg":"OK"}]}'
export const TOKEN = { 'x-auth-token': 'test-token' }

/** Builds the app as the CLI does, silent, closed when the test ends. */
export async function build (t: Test, overrides: Partial<Config> = {}, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = await buildApp(resolveConfig({ logLevel: 'silent', ...overrides }), options)
  t.teardown(() => app.close())
  return app
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
