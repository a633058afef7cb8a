import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorBodySchema } from '../schemas/error-body.js'
import { DriftReportSchema } from '../schemas/upstream.js'
import type { DriftDetector } from '../api/upstream/drift.js'

const TAGS = ['Control plane']

/** What upstream bodies showed that the response schema does not know (`--unknown-transaction proxy`). */
export const driftRoutes: FastifyPluginAsyncTypebox<{ drift: DriftDetector }> = async (app, { drift }) => {
  app.get('/_emulator/drift', {
    schema: { operationId: 'ListDrift', summary: 'Schema drift seen in upstream bodies, by path and kind', tags: TAGS, response: { 200: DriftReportSchema, 401: ErrorBodySchema } }
  }, async () => drift.report())

  app.delete('/_emulator/drift', {
    schema: { operationId: 'ClearDrift', summary: 'Forget the drift seen so far (metrics keep counting)', tags: TAGS, response: { 204: { type: 'null', description: 'Cleared.' }, 401: ErrorBodySchema } }
  }, async (_request, reply) => {
    drift.clear()
    return reply.code(204).send()
  })
}
