import { AccessStagesBodySchema, AccessStagesParamsSchema, AccessStagesQuerySchema } from '../../schemas/access-stages.js'
import { ErrorBodySchema } from '../../schemas/error-body.js'
import { ACCESS_STAGES_URL } from '../../runtime/wire/http.js'
import type { Operation } from './operation.js'

/**
 * ShowUserAccessStages: `GET /v2/{project_id}/statistics/metrics/access-stages?transaction_id=`
 * (the API doc, ../shared/spec/access-stages-api.txt), answered by the transaction's record.
 */
export const showUserAccessStages: Operation = {
  operationId: 'ShowUserAccessStages',
  summary: 'Query the duration of each phase of a Workspace or Application Streaming access',
  method: 'GET',
  url: ACCESS_STAGES_URL,
  action: 'workspace:statistics:getUserAccessStages',
  schema: {
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
}
