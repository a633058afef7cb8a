import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Journal, JournalFilter } from '../store/journal/journal.js'
import { CountSchema, ProjectQuerySchema, RequestListSchema, RequestsCountQuerySchema, RequestsQuerySchema, type RequestsQuery } from '../schemas/control.js'
import { ErrorBodySchema } from '../schemas/error-body.js'

const TAGS = ['Control plane']
const ERRORS = { 400: ErrorBodySchema, 401: ErrorBodySchema }

const filterOf = (q: Omit<RequestsQuery, 'limit' | 'after_seq'>): JournalFilter =>
  ({ projectId: q.project_id, transactionId: q.transaction_id, status: q.status })

/**
 * One page of the journal: with after_seq, the oldest `limit` entries after the cursor (one more
 * is read to tell whether the page is the last); without, the newest `limit`. A page holds at most
 * MAX_JOURNAL_PAGE entries, so however large --journal-size is, an answer stays small.
 */
export function journalPage (journal: Journal, q: RequestsQuery) {
  const cursor = q.after_seq !== undefined
  const requests = journal.list({ ...filterOf(q), afterSeq: q.after_seq, limit: cursor ? q.limit + 1 : q.limit })
  const hasMore = requests.length > q.limit
  if (hasMore) requests.length = q.limit
  return { requests, next_after_seq: requests.at(-1)?.seq ?? q.after_seq ?? journal.lastSeq(), has_more: hasMore }
}

export const requestsRoutes: FastifyPluginAsyncTypebox<{ journal: Journal }> = async (app, { journal }) => {
  app.get('/_emulator/requests', {
    schema: { operationId: 'ListRequests', summary: 'Journal of emulated-API requests, a page at a time, newest last', tags: TAGS, querystring: RequestsQuerySchema, response: { 200: RequestListSchema, ...ERRORS } }
  }, async (request) => journalPage(journal, request.query))

  app.get('/_emulator/requests/count', {
    schema: { operationId: 'CountRequests', summary: 'How many journal entries match', tags: TAGS, querystring: RequestsCountQuerySchema, response: { 200: CountSchema, ...ERRORS } }
  }, async (request) => ({ count: journal.count(filterOf(request.query)) }))

  app.delete('/_emulator/requests', {
    schema: { operationId: 'ClearRequests', summary: 'Clear the journal, or one project\'s entries', tags: TAGS, querystring: ProjectQuerySchema, response: { 200: CountSchema, ...ERRORS } }
  }, async (request) => ({ count: journal.clear(request.query.project_id) }))
}
