import type { FastifyPluginAsync } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { Metrics } from '../runtime/metrics/metrics.js'
import { ErrorBodySchema } from '../schemas/error-body.js'

export const MetricsTextSchema = Type.String({ description: 'Prometheus text exposition format 0.0.4.' })

/** GET /_emulator/metrics: the app's own counts in Prometheus text format. */
export const metricsRoute: FastifyPluginAsync<{ metrics: Metrics }> = async (app, { metrics }) => {
  app.get('/_emulator/metrics', {
    schema: {
      operationId: 'Metrics',
      summary: 'Prometheus metrics: requests by route and status, durations, faults, auth failures, journal and store sizes',
      tags: ['Control plane'],
      response: {
        200: { description: 'Prometheus text format.', content: { 'text/plain': { schema: MetricsTextSchema } } },
        401: { ...ErrorBodySchema, description: 'Admin token missing or wrong.' }
      }
    }
  }, async (_request, reply) => {
    const { contentType, text } = await metrics.exposition()
    return reply.type(contentType).send(text)
  })
}
