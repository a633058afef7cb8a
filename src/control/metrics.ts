import type { FastifyPluginAsync } from 'fastify'
import type { Metrics } from '../runtime/metrics/metrics.js'
import { controlRoute } from './routes.js'

/** GET /_emulator/metrics: the app's own counts in Prometheus text format. */
export const metricsRoute: FastifyPluginAsync<{ metrics: Metrics }> = async (app, { metrics }) => {
  app.route({
    ...controlRoute('Metrics'),
    handler: async (_request, reply) => {
      const { contentType, text } = await metrics.exposition()
      return reply.type(contentType).send(text)
    }
  })
}
