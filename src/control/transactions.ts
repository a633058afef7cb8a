import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { ValidateFunction } from 'ajv'
import { errors } from '../errors.js'
import { TransactionRecordSchema, type TransactionRecord } from '../schemas/access-stages.js'
import {
  CountSchema, ListTransactionsQuerySchema, ProjectListSchema, RequiredProjectQuerySchema, TransactionBatchSchema, TransactionKeySchema,
  TransactionListSchema, UpsertBodySchema, type TransactionBatch
} from '../schemas/control.js'
import { ErrorBodySchema } from '../schemas/error-body.js'
import { compileStrict, validatorCompiler } from '../schemas/validator.js'
import type { TransactionStore } from '../store/transactions.js'

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

const TAGS = ['Control plane']
const ERRORS = { 400: ErrorBodySchema, 401: ErrorBodySchema }

export const transactionsRoutes: FastifyPluginAsyncTypebox<{ store: TransactionStore }> = async (app, { store }) => {
  app.post('/_emulator/transactions', {
    schema: { operationId: 'UpsertTransactions', summary: 'Store one record or a batch (all or nothing)', tags: TAGS, body: UpsertBodySchema, response: { 201: CountSchema, ...ERRORS, 413: ErrorBodySchema } },
    validatorCompiler: (route) => route.httpPart === 'body' ? checkUpsert : validatorCompiler(route)
  }, async (request, reply) => {
    const body = request.body
    const records = 'transactions' in body ? (body as TransactionBatch).transactions : [body as TransactionRecord]
    return reply.code(201).send({ count: store.putMany(records) })
  })

  app.get('/_emulator/transactions', {
    schema: { operationId: 'ListTransactions', summary: 'Stored records, a page at a time', tags: TAGS, querystring: ListTransactionsQuerySchema, response: { 200: TransactionListSchema, ...ERRORS } }
  }, async ({ query }) => store.list({ projectId: query.project_id, limit: query.limit, offset: query.offset, search: query.search, bizType: query.biz_type, success: query.success }))

  app.get('/_emulator/projects', {
    schema: { operationId: 'ListProjects', summary: 'Projects that have stored records, with their counts', tags: TAGS, response: { 200: ProjectListSchema, 401: ErrorBodySchema } }
  }, async () => ({ projects: store.projects() }))

  app.get('/_emulator/transactions/:project_id/:transaction_id', {
    schema: { operationId: 'GetTransaction', summary: 'One stored record', tags: TAGS, params: TransactionKeySchema, response: { 200: TransactionRecordSchema, ...ERRORS, 404: ErrorBodySchema } }
  }, async (request) => {
    const { project_id: projectId, transaction_id: transactionId } = request.params
    const record = store.get(projectId, transactionId)
    if (!record) throw errors.resourceNotFound(`transaction ${transactionId} in project ${projectId}`)
    return record
  })

  app.delete('/_emulator/transactions/:project_id/:transaction_id', {
    schema: { operationId: 'DeleteTransaction', summary: 'Delete one record', tags: TAGS, params: TransactionKeySchema, response: { 204: { type: 'null', description: 'Deleted.' }, ...ERRORS, 404: ErrorBodySchema } }
  }, async (request, reply) => {
    const { project_id: projectId, transaction_id: transactionId } = request.params
    if (!store.delete(projectId, transactionId)) throw errors.resourceNotFound(`transaction ${transactionId} in project ${projectId}`)
    return reply.code(204).send()
  })

  app.delete('/_emulator/transactions', {
    schema: { operationId: 'DeleteProjectTransactions', summary: 'Delete every record of a project', tags: TAGS, querystring: RequiredProjectQuerySchema, response: { 200: CountSchema, ...ERRORS } }
  }, async (request) => ({ count: store.deleteProject(request.query.project_id) }))
}
