import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProjectQuerySchema } from '../schemas/control.js'
import { ErrorBodySchema } from '../schemas/error-body.js'
import { RateLimitsSchema, RateLimitsStateSchema } from '../schemas/rate-limits.js'
import type { RateLimitsControl } from '../api/throttle/rate-limits.js'

const TAGS = ['Control plane']
const RESPONSES = { 200: RateLimitsStateSchema, 400: ErrorBodySchema, 401: ErrorBodySchema }

/** /_emulator/rate-limits[?project_id=]: the gateway's throttling policies, global or per project. */
export const rateLimitsRoutes: FastifyPluginAsyncTypebox<{ rateLimits: RateLimitsControl }> = async (app, { rateLimits }) => {
  app.put('/_emulator/rate-limits', {
    schema: {
      operationId: 'PutRateLimits',
      summary: 'Replace the global throttling policies, or a project\'s own (which then apply to it instead); counts start afresh',
      tags: TAGS,
      querystring: ProjectQuerySchema,
      body: RateLimitsSchema,
      response: RESPONSES
    }
  }, async (request) => rateLimits.put(request.query.project_id, request.body))

  app.get('/_emulator/rate-limits', {
    schema: { operationId: 'GetRateLimits', summary: 'The policies in force, with the calls left in the current window', tags: TAGS, querystring: ProjectQuerySchema, response: RESPONSES }
  }, async (request) => rateLimits.view(request.query.project_id))

  app.delete('/_emulator/rate-limits', {
    schema: { operationId: 'DeleteRateLimits', summary: 'Remove the global policies, or a project\'s own (it then follows the global ones)', tags: TAGS, querystring: ProjectQuerySchema, response: RESPONSES }
  }, async (request) => rateLimits.remove(request.query.project_id))
}
