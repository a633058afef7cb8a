import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { DriftDetector } from '../api/upstream/drift.js'
import { controlRoute } from './routes.js'

/** What upstream bodies showed that the response schema does not know (`--unknown-transaction proxy`). */
export const driftRoutes: FastifyPluginAsyncTypebox<{ drift: DriftDetector }> = async (app, { drift }) => {
  app.route({ ...controlRoute('ListDrift'), handler: async (request) => drift.report(request.query) })
  app.route({
    ...controlRoute('ClearDrift'),
    handler: async (_request, reply) => {
      drift.clear()
      return reply.code(204).send()
    }
  })
}
