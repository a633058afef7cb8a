import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { ResetResult } from '../schemas/control.js'
import { controlRoute } from './routes.js'

export interface ResetOptions {
  reset: (projectId?: string) => ResetResult
}

export const resetRoute: FastifyPluginAsyncTypebox<ResetOptions> = async (app, { reset }) => {
  app.route({ ...controlRoute('Reset'), handler: async (request) => reset(request.query.project_id) })
}
