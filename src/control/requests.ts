import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Journal, JournalFilter } from '../store/journal/journal.js'
import type { RequestsQuery } from '../schemas/control.js'
import { controlRoute } from './routes.js'

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
  app.route({ ...controlRoute('ListRequests'), handler: async (request) => journalPage(journal, request.query) })
  app.route({ ...controlRoute('CountRequests'), handler: async (request) => ({ count: journal.count(filterOf(request.query)) }) })
  app.route({ ...controlRoute('ClearRequests'), handler: async (request) => ({ count: journal.clear(request.query.project_id) }) })
}
