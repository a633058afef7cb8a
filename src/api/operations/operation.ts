import type { TSchema } from '@sinclair/typebox'

/**
 * One operation of the emulated API, as the wing registers it: where it is served, what it accepts
 * and answers (TypeBox schemas, which validate, type and document it), the IAM action a credential
 * needs to call it, and how the request names the record that answers it. Adding an operation is
 * adding one of these (and, when its answer is not a stored transaction, a way to find it in
 * `pipeline/answer.ts`); every request concern applies to it through the pipeline unchanged.
 */
export interface Operation {
  /** The operation's name in the cloud's API reference and SDKs, and its OpenAPI operationId. */
  operationId: string
  summary: string
  method: 'GET' | 'POST'
  /** Fastify's pattern syntax (`/v2/:project_id/…`). */
  url: string
  /** The IAM action a credential needs (`workspace:statistics:getUserAccessStages`). */
  action: string
  schema: {
    params: TSchema
    querystring: TSchema
    response: Record<number, TSchema>
  }
}
