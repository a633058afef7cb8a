import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { TransactionRecordSchema } from '../schemas/access-stages.js'
import { ClockOffsetSchema, ClockViewSchema } from '../schemas/clock.js'
import {
  CountSchema, FaultIdSchema, FaultListSchema, HealthSchema, ListTransactionsQuerySchema, ProjectListSchema, ProjectQuerySchema,
  RequestListSchema, RequestsCountQuerySchema, RequestsQuerySchema, RequestsStreamQuerySchema, RequiredProjectQuerySchema,
  ResetResultSchema, TransactionKeySchema, TransactionListSchema, UpsertBodySchema
} from '../schemas/control.js'
import { ErrorBodySchema } from '../schemas/error-body.js'
import { FaultRuleSchema, FaultRuleViewSchema } from '../schemas/faults.js'
import { RateLimitsQuerySchema, RateLimitsSchema, RateLimitsStateSchema } from '../schemas/rate-limits.js'
import { StateCountsSchema, StateDocumentSchema } from '../schemas/state.js'
import { DriftQuerySchema, DriftReportSchema } from '../schemas/upstream.js'
import { BODY_LIMITS } from './body-limits.js'
import { CONTROL_PATHS, type ControlOperation } from './route-paths.js'

const MetricsTextSchema = Type.String({ description: 'Prometheus text exposition format 0.0.4.' })

const TAGS = ['Control plane']
const ERRORS = { 400: ErrorBodySchema, 401: ErrorBodySchema }
const NOT_FOUND = { ...ERRORS, 404: ErrorBodySchema }
const DELETED = { type: 'null', description: 'Deleted.' } as const
const RATE_LIMITS = { 200: RateLimitsStateSchema, ...ERRORS }
// Typed as a plain schema: the spread copies TypeBox's symbol keys, whose type no declaration can name.
const ADMIN_TOKEN_WRONG: TSchema = { ...ErrorBodySchema, description: 'Admin token missing or wrong.' }

/** What the document and the validators know of an operation, besides its method and URL. */
interface OperationSchema {
  summary: string
  params?: TSchema
  querystring?: TSchema
  body?: TSchema
  response: Record<number, unknown>
}

/**
 * The control plane's operations, by operationId: summary, params, query string, body, and a
 * response for every status. The route files register their handlers by these entries, and
 * AdminClient and the dashboard type their calls by them.
 */
const OPERATIONS = {
  Health: { summary: 'Liveness and a summary of the emulator state', response: { 200: HealthSchema } },
  UpsertTransactions: { summary: 'Store one record or a batch (all or nothing)', body: UpsertBodySchema, response: { 201: CountSchema, ...ERRORS, 413: ErrorBodySchema } },
  ListTransactions: { summary: 'Stored records, a page at a time', querystring: ListTransactionsQuerySchema, response: { 200: TransactionListSchema, ...ERRORS } },
  ListProjects: { summary: 'Projects that have stored records, with their counts', response: { 200: ProjectListSchema, 401: ErrorBodySchema } },
  GetTransaction: { summary: 'One stored record', params: TransactionKeySchema, response: { 200: TransactionRecordSchema, ...NOT_FOUND } },
  DeleteTransaction: { summary: 'Delete one record', params: TransactionKeySchema, response: { 204: DELETED, ...NOT_FOUND } },
  DeleteProjectTransactions: { summary: 'Delete every record of a project', querystring: RequiredProjectQuerySchema, response: { 200: CountSchema, ...ERRORS } },
  AddFault: { summary: 'Add a fault rule (an existing id is replaced, counters reset)', body: FaultRuleSchema, response: { 201: FaultRuleViewSchema, ...ERRORS } },
  ListFaults: { summary: 'Fault rules in the order they are tried, with live counters', response: { 200: FaultListSchema, ...ERRORS } },
  DeleteFaults: { summary: 'Delete every fault rule', response: { 200: CountSchema, ...ERRORS } },
  DeleteFault: { summary: 'Delete one fault rule', params: FaultIdSchema, response: { 204: DELETED, ...NOT_FOUND } },
  ListRequests: { summary: 'Journal of emulated-API requests, a page at a time, newest last', querystring: RequestsQuerySchema, response: { 200: RequestListSchema, ...ERRORS } },
  CountRequests: { summary: 'How many journal entries match', querystring: RequestsCountQuerySchema, response: { 200: CountSchema, ...ERRORS } },
  ClearRequests: { summary: 'Clear the journal, or one project\'s entries', querystring: ProjectQuerySchema, response: { 200: CountSchema, ...ERRORS } },
  StreamRequests: {
    summary: 'Server-Sent Events of new journal entries (event `request`, id = seq; Last-Event-ID resumes); a client that stops reading is dropped',
    querystring: RequestsStreamQuerySchema,
    response: { 200: { description: 'One `request` event per journal entry, data = the entry as JSON.', content: { 'text/event-stream': { schema: Type.String() } } }, ...ERRORS }
  },
  PutRateLimits: {
    summary: 'Replace the global throttling policies, or a project\'s own (which then apply to it instead); counts start afresh',
    querystring: ProjectQuerySchema,
    body: RateLimitsSchema,
    response: RATE_LIMITS
  },
  GetRateLimits: { summary: 'The policies in force, with the calls left in the current window', querystring: RateLimitsQuerySchema, response: RATE_LIMITS },
  DeleteRateLimits: { summary: 'Remove the global policies, or a project\'s own (it then follows the global ones)', querystring: ProjectQuerySchema, response: RATE_LIMITS },
  SetClock: { summary: 'Shift the emulator\'s clock (X-Sdk-Date window, expiry, lockouts, throttling windows)', body: ClockOffsetSchema, response: { 200: ClockViewSchema, ...ERRORS } },
  GetClock: { summary: 'The emulator\'s clock offset and now', response: { 200: ClockViewSchema, ...ERRORS } },
  ResetClock: { summary: 'Back to the start-up offset (--clock-offset, default 0)', response: { 200: ClockViewSchema, ...ERRORS } },
  Metrics: {
    summary: 'Prometheus metrics: requests by route and status, durations, faults, auth failures, journal and store sizes',
    response: {
      200: { description: 'Prometheus text format.', content: { 'text/plain': { schema: MetricsTextSchema } } },
      401: ADMIN_TOKEN_WRONG
    }
  },
  ListDrift: { summary: 'Schema drift seen in upstream bodies, by path and kind, a page at a time', querystring: DriftQuerySchema, response: { 200: DriftReportSchema, ...ERRORS } },
  ClearDrift: { summary: 'Forget the drift seen so far (metrics keep counting)', response: { 204: { type: 'null', description: 'Cleared.' } as const, 401: ErrorBodySchema } },
  ExportState: {
    summary: 'The state (records, fault rules) as one document, streamed; its transactions part is a fixtures file',
    querystring: ProjectQuerySchema,
    response: { 200: StateDocumentSchema, ...ERRORS }
  },
  ImportState: {
    summary: 'Replace the state of one project or all with a document from GET /_emulator/state (all or nothing)',
    querystring: ProjectQuerySchema,
    body: StateDocumentSchema,
    response: { 200: StateCountsSchema, ...ERRORS, 413: ErrorBodySchema }
  },
  Reset: {
    summary: 'Back to the start state (fixtures, start-up fault rules, empty journal), for one project or all',
    querystring: ProjectQuerySchema,
    response: { 200: ResetResultSchema, ...ERRORS }
  }
} satisfies Record<ControlOperation, OperationSchema>

type Operations = typeof OPERATIONS

/** The method, URL and schema of an operation, as `app.route()` takes them (spread, then add the handler). */
export function controlRoute<K extends ControlOperation> (operation: K) {
  // A fresh schema object per registration: Fastify marks the one it is given as visited.
  const schema: Operations[K] & { operationId: K, tags: string[] } = { ...OPERATIONS[operation], operationId: operation, tags: TAGS }
  return { ...CONTROL_PATHS[operation], schema, bodyLimit: BODY_LIMITS[operation] }
}

type Part<K extends ControlOperation, P extends string> = Operations[K] extends { [key in P]: infer S extends TSchema } ? S : undefined
type Answer<S> = S extends TSchema ? Static<S> : S extends { content: Record<string, { schema: infer C extends TSchema }> } ? Static<C> : never
type Success<R> = R extends { 200: infer S } ? Answer<S> : R extends { 201: infer S } ? Answer<S> : void

/** An operation's path parameters. */
export type ControlParams<K extends ControlOperation> = Part<K, 'params'> extends TSchema ? Static<Part<K, 'params'>> : undefined
/** An operation's query parameters; those with a default may be left out. */
export type ControlQuery<K extends ControlOperation> = Part<K, 'querystring'> extends TSchema ? Partial<Static<Part<K, 'querystring'>>> : undefined
/** An operation's body. */
export type ControlBody<K extends ControlOperation> = Part<K, 'body'> extends TSchema ? Static<Part<K, 'body'>> : undefined
/** What an operation answers on success (its 200, else its 201; nothing for a 204). */
export type ControlAnswer<K extends ControlOperation> = Success<Operations[K]['response']>

/** What a client sends to call an operation: the parts it takes, each typed by the operation's schema. */
export interface ControlRequest<K extends ControlOperation> {
  params?: ControlParams<K>
  query?: ControlQuery<K>
  body?: ControlBody<K>
}
