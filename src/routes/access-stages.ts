import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { AccessStagesBodySchema, AccessStagesParamsSchema, AccessStagesQuerySchema } from '../schemas/access-stages.js'
import { ErrorBodySchema } from '../schemas/error-body.js'
import { errors } from '../errors.js'
import type { FindBody } from '../store/lookup.js'
import { ACCESS_STAGES_URL, JSON_TYPE } from '../wire/http.js'

export interface AccessStagesOptions {
  findBody: FindBody
}

/** ShowUserAccessStages: GET /v2/{project_id}/statistics/metrics/access-stages?transaction_id= */
export const accessStagesRoute: FastifyPluginAsyncTypebox<AccessStagesOptions> = async (app, { findBody }) => {
  app.get(ACCESS_STAGES_URL, {
    schema: {
      operationId: 'ShowUserAccessStages',
      summary: 'Query the duration of each phase of a Workspace or Application Streaming access',
      tags: ['Workspace'],
      security: [{ token: [] }, { aksk: [] }],
      params: AccessStagesParamsSchema,
      querystring: AccessStagesQuerySchema,
      response: {
        200: AccessStagesBodySchema,
        400: { ...ErrorBodySchema, description: 'Invalid request from the client.' },
        401: { ...ErrorBodySchema, description: 'Authentication failed.' },
        500: { ...ErrorBodySchema, description: 'Internal error.' }
      }
    }
  }, (request, reply) => {
    const { project_id: projectId } = request.params
    const { transaction_id: transactionId } = request.query
    const body = findBody(projectId, transactionId)
    if (body === undefined) throw errors.transactionNotFound(projectId, transactionId)
    // Stored bodies are JSON text already (validated on write); sending the string skips serialisation,
    // which the typed reply does not model, hence the untyped view of it. Not async: a promise per
    // request cost more than the lookup.
    ;(reply as FastifyReply).type(JSON_TYPE).send(body)
  })
}
