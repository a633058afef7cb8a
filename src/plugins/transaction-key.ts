import type { FastifyRequest } from 'fastify'

/**
 * The project and transaction an emulated-API request names, read before validation (hooks run
 * first): a repeated or missing transaction_id names no transaction.
 */
export interface TransactionKey { projectId?: string, transactionId?: string }

export function transactionKey (request: FastifyRequest): TransactionKey {
  const params = request.params as { project_id?: string }
  const query = request.query as { transaction_id?: unknown }
  return { projectId: params.project_id, transactionId: typeof query.transaction_id === 'string' ? query.transaction_id : undefined }
}
