import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProjectQuerySchema, ResetResultSchema, type ResetResult } from '../schemas/control.js'
import { ErrorBodySchema } from '../schemas/error-body.js'

export interface ResetOptions {
  reset: (projectId?: string) => ResetResult
}

export const resetRoute: FastifyPluginAsyncTypebox<ResetOptions> = async (app, { reset }) => {
  app.post('/_emulator/reset', {
    schema: {
      operationId: 'Reset',
      summary: 'Back to the start state (fixtures, start-up fault rules, empty journal), for one project or all',
      tags: ['Control plane'],
      querystring: ProjectQuerySchema,
      response: { 200: ResetResultSchema, 400: ErrorBodySchema, 401: ErrorBodySchema }
    }
  }, async (request) => reset(request.query.project_id))
}
