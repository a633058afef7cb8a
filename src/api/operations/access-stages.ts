import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AccessStagesBodySchema, AccessStagesParamsSchema, AccessStagesQuerySchema } from '../../schemas/access-stages.js'
import { ErrorBodySchema } from '../../schemas/error-body.js'
import { errors } from '../../errors.js'
import type { FindBody } from '../lookup/find-body.js'
import type { Forward } from '../upstream/forward.js'
import { ACCESS_STAGES_URL, EMULATOR_REQUEST_ID_HEADER, JSON_TYPE, REQUEST_ID_HEADER } from '../../runtime/wire/http.js'

export interface AccessStagesOptions {
  findBody: FindBody
  /** Asks the upstream what the store cannot answer (`--unknown-transaction proxy`). */
  forward?: Forward
}

/** ShowUserAccessStages: GET /v2/{project_id}/statistics/metrics/access-stages?transaction_id= */
export const accessStagesRoute: FastifyPluginAsyncTypebox<AccessStagesOptions> = async (app, { findBody, forward }) => {
  // The upstream's answer as it came; its X-Request-Id is the client's, the emulator's own id goes beside it.
  const sendForwarded = async (request: FastifyRequest, reply: FastifyReply, forwardTo: Forward, projectId: string, transactionId: string): Promise<void> => {
    const answer = await forwardTo(projectId, transactionId)
    if (request.decisions !== undefined) request.decisions.forwarded = answer.outcome
    reply.code(answer.status).type(answer.contentType)
      .header(REQUEST_ID_HEADER, answer.requestId ?? request.id).header(EMULATOR_REQUEST_ID_HEADER, request.id)
    return reply.send(answer.body)
  }

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
        429: { ...ErrorBodySchema, description: 'Over a throttling policy (APIGW.0308).' },
        500: { ...ErrorBodySchema, description: 'Internal error.' }
      }
    }
  }, (request, reply) => {
    const { project_id: projectId } = request.params
    const { transaction_id: transactionId } = request.query
    const body = findBody(projectId, transactionId)
    if (body === undefined) {
      if (forward !== undefined) return sendForwarded(request, reply as FastifyReply, forward, projectId, transactionId)
      throw errors.transactionNotFound(projectId, transactionId)
    }
    // Stored bodies are JSON text already (validated on write); sending the string skips serialisation,
    // which the typed reply does not model, hence the untyped view of it. Not async: a promise per
    // request cost more than the lookup.
    ;(reply as FastifyReply).type(JSON_TYPE).send(body)
  })
}
