import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RateLimitsControl } from '../api/throttle/rate-limits.js'
import { controlRoute } from './routes.js'

/** /_emulator/rate-limits[?project_id=]: the gateway's throttling policies, global or per project. */
export const rateLimitsRoutes: FastifyPluginAsyncTypebox<{ rateLimits: RateLimitsControl }> = async (app, { rateLimits }) => {
  app.route({ ...controlRoute('PutRateLimits'), handler: async (request) => rateLimits.put(request.query.project_id, request.body) })
  app.route({ ...controlRoute('GetRateLimits'), handler: async (request) => rateLimits.view(request.query.project_id, request.query.counts) })
  app.route({ ...controlRoute('DeleteRateLimits'), handler: async (request) => rateLimits.remove(request.query.project_id) })
}
