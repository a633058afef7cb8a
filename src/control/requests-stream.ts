import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from '../errors.js'
import type { JournalStream } from '../store/journal/stream.js'
import { controlRoute } from './routes.js'

/**
 * Bytes a client may leave unread in the server's buffers (beyond what the kernel's socket buffers
 * took) before it is dropped: a few thousand entries. A client that stops reading costs at most
 * this plus one poll's entries (POLL_BATCH), never more; one that reads keeps up with bursts.
 */
export const MAX_UNREAD_BYTES = 1024 * 1024
/** Clients wait this long before reconnecting (the SSE `retry` field). */
const RETRY_MS = 1000

const LAST_EVENT_ID = /^\d{1,15}$/

/** GET /_emulator/requests/stream: Server-Sent Events of new journal entries, with the journal's filters. */
export const requestsStreamRoute: FastifyPluginAsyncTypebox<{ stream: JournalStream }> = async (app, { stream }) => {
  app.addHook('preClose', (done) => { stream.close(); done() })

  app.route({
    ...controlRoute('StreamRequests'),
    handler: (request, reply) => {
      const lastEventId = request.headers['last-event-id']
      if (lastEventId !== undefined && (typeof lastEventId !== 'string' || !LAST_EVENT_ID.test(lastEventId))) {
        throw errors.invalidParameter('Last-Event-ID', 'must be a journal seq')
      }
      const { project_id: projectId, transaction_id: transactionId, status } = request.query
      const res = reply.raw
      reply.hijack()
      // After hijack() Fastify sends nothing it holds: the headers hooks set (CORS for a listed
      // origin) are written here, or a page of that origin could not read the stream.
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value)
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-request-id': request.id,
        // Reverse proxies (nginx) would otherwise hold events back in their buffers.
        'x-accel-buffering': 'no'
      })
      res.write(`retry: ${RETRY_MS}\n\n`)
      // Which journal this is: a page that followed another (the emulator restarted on this port,
      // its seqs begin again at 1) starts over instead of skipping every seq it has seen.
      res.write(`event: journal\ndata: ${JSON.stringify({ journal_id: stream.journalId })}\n\n`)
      res.on('error', () => res.destroy())
      const unsubscribe = stream.subscribe({
        filter: { projectId, transactionId, status },
        send (frames) {
          if (res.destroyed) return false
          if (res.writableLength > MAX_UNREAD_BYTES) {
            res.destroy()
            return false
          }
          res.write(frames)
          return true
        },
        end: () => res.end(),
        // The replay is written as the socket drains, so it never holds more than the socket's
        // high-water mark and one frame, well inside MAX_UNREAD_BYTES.
        full (resume) {
          if (!res.writableNeedDrain) return false
          res.once('drain', resume)
          return true
        }
      }, lastEventId === undefined ? undefined : Number(lastEventId))
      res.once('close', unsubscribe)
    }
  })
}
