import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Journal, JournalFilter } from '../../journal/journal.js'
import { CountSchema, ProjectQuerySchema, RequestListSchema, RequestsQuerySchema, type RequestsQuery } from '../../schemas/control.js'
import { ErrorBodySchema } from '../../schemas/error-body.js'

const TAGS = ['Control plane']
const ERRORS = { 400: ErrorBodySchema, 401: ErrorBodySchema }

const filterOf = (q: RequestsQuery): JournalFilter =>
  ({ projectId: q.project_id, transactionId: q.transaction_id, status: q.status, limit: q.limit })

export const requestsRoutes: FastifyPluginAsyncTypebox<{ journal: Journal }> = async (app, { journal }) => {
  app.get('/_emulator/requests', {
    schema: { operationId: 'ListRequests', summary: 'Journal of emulated-API requests, newest last', tags: TAGS, querystring: RequestsQuerySchema, response: { 200: RequestListSchema, ...ERRORS } }
  }, async (request) => ({ requests: journal.list(filterOf(request.query)) }))

  app.get('/_emulator/requests/count', {
    schema: { operationId: 'CountRequests', summary: 'How many journal entries match', tags: TAGS, querystring: RequestsQuerySchema, response: { 200: CountSchema, ...ERRORS } }
  }, async (request) => ({ count: journal.count({ ...filterOf(request.query), limit: undefined }) }))

  app.delete('/_emulator/requests', {
    schema: { operationId: 'ClearRequests', summary: 'Clear the journal, or one project\'s entries', tags: TAGS, querystring: ProjectQuerySchema, response: { 200: CountSchema, ...ERRORS } }
  }, async (request) => ({ count: journal.clear(request.query.project_id) }))
}
