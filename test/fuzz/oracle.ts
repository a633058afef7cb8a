import type { TSchema } from '@sinclair/typebox'
import { Type } from '@sinclair/typebox'
import type { ValidateFunction } from 'ajv'
import { HealthSchema } from '../../src/schemas/control.js'
import { AccessStagesBodySchema, TransactionRecordSchema } from '../../src/schemas/access-stages.js'
import { CountSchema, FaultListSchema, RequestListSchema, ResetResultSchema, TransactionListSchema } from '../../src/schemas/control.js'
import { ErrorBodySchema } from '../../src/schemas/error-body.js'
import { FaultRuleViewSchema } from '../../src/schemas/faults.js'
import { compileStrict } from '../../src/schemas/validator.js'
import type { RawResponse } from '../net/raw-http.js'

/**
 * The test's own idea of the route table: which schema a 2xx of a (method, path) must satisfy.
 * Kept apart from the server's code on purpose, so a route answering what it should not is caught.
 */
interface RouteSpec { method: string, path: RegExp, status: number, body: TSchema | 'empty' | 'text' | 'json' }

const seg = '[^/]+'
const route = (method: string, path: string, status: number, body: RouteSpec['body']): RouteSpec =>
  ({ method, path: new RegExp(`^${path.replace(/:\w+/g, seg)}$`), status, body })

const ROUTES: RouteSpec[] = [
  route('GET', '/v2/:p/statistics/metrics/access-stages', 200, AccessStagesBodySchema),
  route('GET', '/_emulator/health', 200, HealthSchema),
  route('GET', '/_emulator/openapi\\.json', 200, 'json'),
  route('GET', '/_emulator/metrics', 200, 'text'),
  route('POST', '/_emulator/transactions', 201, CountSchema),
  route('GET', '/_emulator/transactions', 200, TransactionListSchema),
  route('DELETE', '/_emulator/transactions', 200, CountSchema),
  route('GET', '/_emulator/transactions/:p/:t', 200, TransactionRecordSchema),
  route('DELETE', '/_emulator/transactions/:p/:t', 204, 'empty'),
  route('POST', '/_emulator/faults', 201, FaultRuleViewSchema),
  route('GET', '/_emulator/faults', 200, FaultListSchema),
  route('DELETE', '/_emulator/faults', 200, CountSchema),
  route('DELETE', '/_emulator/faults/:id', 204, 'empty'),
  route('GET', '/_emulator/requests', 200, RequestListSchema),
  route('GET', '/_emulator/requests/count', 200, CountSchema),
  route('DELETE', '/_emulator/requests', 200, CountSchema),
  route('POST', '/_emulator/reset', 200, ResetResultSchema)
]

const validators = new Map<TSchema, ValidateFunction>()
const validatorOf = (schema: TSchema): ValidateFunction => {
  let v = validators.get(schema)
  if (!v) { v = compileStrict(schema); validators.set(schema, v) }
  return v
}
const checkError = compileStrict(ErrorBodySchema)
const RequestIdSchema = Type.String({ pattern: '^[0-9a-f]{32}$' })
const checkRequestId = compileStrict(RequestIdSchema)

/** The path the router sees: absolute-form prefix dropped, query cut, each segment percent-decoded. */
export function routedPath (target: string): string | undefined {
  const path = target.replace(/^https?:\/\/[^/]*/, '').split(/[?#]/)[0]
  try {
    return path.split('/').map((s) => decodeURIComponent(s).replace(/\//g, '%2F')).join('/')
  } catch {
    return undefined
  }
}

export function routeFor (method: string, target: string): RouteSpec | undefined {
  const path = routedPath(target)
  if (path === undefined) return undefined
  const asGet = method === 'HEAD' ? 'GET' : method
  return ROUTES.find((r) => r.method === asGet && r.path.test(path))
}

/** Statuses each catalogue code may come with when no fault fired (src/errors.ts). */
const ORGANIC: Record<string, number[]> = {
  'WKS.0001': [400, 415],
  'WKS.0202': [404],
  'APIGW.0101': [404],
  'APIGW.0201': [400, 408, 413, 417, 431],
  'APIGW.0301': [401]
}

export interface Verdict {
  problems: string[]
  /** The answer is legitimate only if a fault rule fired for this request id (to be proven from the journal). */
  needsFault?: string
}

const STACK = /\bat [^\n]*:\d+:\d+|\n\s+at /

/**
 * Judges one response to a request the fuzzer sent: a valid 2xx body of the route, or a catalogue
 * error with its documented status; never a Fastify default body or a stack trace.
 */
export function judge (method: string, target: string, res: RawResponse): Verdict {
  const problems: string[] = []
  const requestId = res.headers['x-request-id']
  if (!checkRequestId(requestId)) problems.push(`X-Request-Id ${JSON.stringify(requestId)} is not 32 lowercase hex`)
  const text = res.body.toString('utf8')
  if (STACK.test(text)) problems.push('body holds a stack trace')
  if (res.status >= 200 && res.status < 300) {
    const spec = routeFor(method, target)
    if (!spec) return { problems: [...problems, `${res.status} for ${method} ${target}, which no route serves`] }
    if (res.status !== spec.status) problems.push(`${res.status}, expected ${spec.status} from ${spec.path}`)
    if (method === 'HEAD') return { problems }
    if (spec.body === 'empty') {
      if (res.body.length > 0) problems.push('a 204 with a body')
    } else if (spec.body === 'text') {
      if (!/^text\/plain/.test(res.headers['content-type'] ?? '')) problems.push('metrics not text/plain')
    } else {
      let data: unknown
      try { data = JSON.parse(text) } catch { return { problems: [...problems, `2xx body is not JSON: ${text.slice(0, 200)}`] } }
      if (spec.body !== 'json') {
        const check = validatorOf(spec.body)
        if (!check(data)) problems.push(`2xx body fails its schema: ${JSON.stringify(check.errors?.[0])} in ${text.slice(0, 300)}`)
      }
    }
    return { problems }
  }
  if (method === 'HEAD') return { problems }
  let body: { error_code?: string, error_msg?: string, request_id?: string }
  try { body = JSON.parse(text) } catch { return { problems: [...problems, `${res.status} body is not JSON: ${JSON.stringify(text.slice(0, 200))}`] } }
  if (!checkError(body)) return { problems: [...problems, `${res.status} body is not a catalogue error: ${text.slice(0, 300)}`] }
  const code = body.error_code!
  if (code.startsWith('APIGW.') !== (body.request_id !== undefined)) problems.push(`request_id present ≠ gateway code: ${text}`)
  if (body.request_id !== undefined && body.request_id !== requestId) problems.push('request_id differs from X-Request-Id')
  if (!/^application\/json/.test(res.headers['content-type'] ?? '')) problems.push(`error with content-type ${res.headers['content-type']}`)
  const organic = ORGANIC[code]?.includes(res.status) === true
  return organic ? { problems } : { problems, needsFault: requestId }
}
