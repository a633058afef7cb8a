import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Forwarded } from '../upstream/forward.js'
import type { Operation } from '../operations/operation.js'
import type { Pipeline } from '../pipeline/index.js'
import { EMULATOR_REQUEST_ID_HEADER, JSON_TYPE, REQUEST_ID_HEADER } from '../../runtime/wire/http.js'

/** The upstream's answer as it came; its X-Request-Id is the client's, the emulator's own id goes beside it. */
function sendForwarded (request: FastifyRequest, reply: FastifyReply, answer: Forwarded): FastifyReply {
  reply.code(answer.status).type(answer.contentType)
    .header(REQUEST_ID_HEADER, answer.requestId ?? request.id).header(EMULATOR_REQUEST_ID_HEADER, request.id)
  return reply.send(answer.body)
}

/**
 * The Fastify route of one operation: its schemas validate the request (after the entrance's hooks
 * have decided), the pipeline's answer is sent. Marked `pipeline`, so the root's accounting leaves
 * its requests to the pipeline's record().
 */
export function registerOperation (scope: FastifyInstance, operation: Operation, { answer }: Pipeline): void {
  scope.route({
    method: operation.method,
    url: operation.url,
    config: { pipeline: true },
    schema: {
      operationId: operation.operationId,
      summary: operation.summary,
      tags: ['Workspace'],
      security: [{ token: [] }, { aksk: [] }],
      ...operation.schema
    },
    handler: (request, reply) => {
      const { project_id: projectId } = request.params as { project_id: string }
      const { transaction_id: transactionId } = request.query as { transaction_id: string }
      const body = answer(projectId, transactionId, request.decisions ?? {})
      if (typeof body !== 'string') return body.then((forwarded) => sendForwarded(request, reply, forwarded))
      // Stored bodies are JSON text already (validated on write); sending the string skips
      // serialisation. Not async: a promise per request cost more than the lookup.
      reply.type(JSON_TYPE).send(body)
    }
  })
}
