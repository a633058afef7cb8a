import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from '../errors.js'
import { CountSchema, FaultIdSchema, FaultListSchema } from '../schemas/control.js'
import { ErrorBodySchema } from '../schemas/error-body.js'
import { FaultRuleSchema, FaultRuleViewSchema } from '../schemas/faults.js'
import { FaultRuleError } from '../api/faults/rule-check.js'
import type { FaultStore } from '../api/faults/store.js'

const TAGS = ['Control plane']
const ERRORS = { 400: ErrorBodySchema, 401: ErrorBodySchema }

export const faultsRoutes: FastifyPluginAsyncTypebox<{ faults: FaultStore }> = async (app, { faults }) => {
  app.post('/_emulator/faults', {
    schema: { operationId: 'AddFault', summary: 'Add a fault rule (an existing id is replaced, counters reset)', tags: TAGS, body: FaultRuleSchema, response: { 201: FaultRuleViewSchema, ...ERRORS } }
  }, async (request, reply) => {
    let added
    try {
      added = faults.add(request.body)
    } catch (err) {
      throw err instanceof FaultRuleError ? errors.invalidBody(err.message) : err
    }
    return reply.code(201).send(added)
  })

  app.get('/_emulator/faults', {
    schema: { operationId: 'ListFaults', summary: 'Fault rules in the order they are tried, with live counters', tags: TAGS, response: { 200: FaultListSchema, ...ERRORS } }
  }, async () => ({ faults: faults.list() }))

  app.delete('/_emulator/faults', {
    schema: { operationId: 'DeleteFaults', summary: 'Delete every fault rule', tags: TAGS, response: { 200: CountSchema, ...ERRORS } }
  }, async () => ({ count: faults.clear() }))

  app.delete('/_emulator/faults/:id', {
    schema: { operationId: 'DeleteFault', summary: 'Delete one fault rule', tags: TAGS, params: FaultIdSchema, response: { 204: { type: 'null', description: 'Deleted.' }, ...ERRORS, 404: ErrorBodySchema } }
  }, async (request, reply) => {
    if (!faults.remove(request.params.id)) throw errors.resourceNotFound(`fault rule ${request.params.id}`)
    return reply.code(204).send()
  })
}
