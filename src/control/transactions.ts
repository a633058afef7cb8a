import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { ValidateFunction } from 'ajv'
import { errors } from '../errors.js'
import { TransactionRecordSchema, type TransactionRecord } from '../schemas/access-stages.js'
import { TransactionBatchSchema, type TransactionBatch } from '../schemas/control.js'
import { compileStrict, validatorCompiler } from '../schemas/validator.js'
import type { TransactionStore } from '../store/transactions.js'
import { controlRoute } from './routes.js'

const checkBatch = compileStrict<TransactionBatch>(TransactionBatchSchema)
const checkRecord = compileStrict<TransactionRecord>(TransactionRecordSchema)

/**
 * The upsert body is one record or a batch. Validating the union as a whole would report both
 * branches' errors; choosing the branch by the `transactions` key names the user's actual mistake.
 */
const checkUpsert = ((data: unknown) => {
  const check = data !== null && typeof data === 'object' && 'transactions' in data ? checkBatch : checkRecord
  const ok = check(data)
  checkUpsert.errors = check.errors
  return ok
}) as ValidateFunction

export const transactionsRoutes: FastifyPluginAsyncTypebox<{ store: TransactionStore }> = async (app, { store }) => {
  app.route({
    ...controlRoute('UpsertTransactions'),
    validatorCompiler: (route) => route.httpPart === 'body' ? checkUpsert : validatorCompiler(route),
    handler: async (request, reply) => {
      const body = request.body
      const records = 'transactions' in body ? (body as TransactionBatch).transactions : [body as TransactionRecord]
      return reply.code(201).send({ count: store.putMany(records) })
    }
  })

  app.route({
    ...controlRoute('ListTransactions'),
    handler: async ({ query }) => store.list({ projectId: query.project_id, limit: query.limit, offset: query.offset, search: query.search, bizType: query.biz_type, success: query.success })
  })

  app.route({ ...controlRoute('ListProjects'), handler: async () => ({ projects: store.projects() }) })

  app.route({
    ...controlRoute('GetTransaction'),
    handler: async (request) => {
      const { project_id: projectId, transaction_id: transactionId } = request.params
      const record = store.get(projectId, transactionId)
      if (!record) throw errors.resourceNotFound(`transaction ${transactionId} in project ${projectId}`)
      return record
    }
  })

  app.route({
    ...controlRoute('DeleteTransaction'),
    handler: async (request, reply) => {
      const { project_id: projectId, transaction_id: transactionId } = request.params
      if (!store.delete(projectId, transactionId)) throw errors.resourceNotFound(`transaction ${transactionId} in project ${projectId}`)
      return reply.code(204).send()
    }
  })

  app.route({ ...controlRoute('DeleteProjectTransactions'), handler: async (request) => ({ count: store.deleteProject(request.query.project_id) }) })
}
