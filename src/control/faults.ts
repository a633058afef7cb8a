import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors } from '../errors.js'
import type { FaultStore } from '../api/faults/store.js'
import { controlRoute } from './routes.js'

export const faultsRoutes: FastifyPluginAsyncTypebox<{ faults: FaultStore }> = async (app, { faults }) => {
  app.route({
    ...controlRoute('AddFault'),
    handler: async (request, reply) => {
      // A rule the store refuses is a RefusedInput, which the error handler renders as a 400.
      return reply.code(201).send(faults.add(request.body))
    }
  })
  app.route({ ...controlRoute('ListFaults'), handler: async () => ({ faults: faults.list() }) })
  app.route({ ...controlRoute('DeleteFaults'), handler: async () => ({ count: faults.clear() }) })
  app.route({
    ...controlRoute('DeleteFault'),
    handler: async (request, reply) => {
      if (!faults.remove(request.params.id)) throw errors.resourceNotFound(`fault rule ${request.params.id}`)
      return reply.code(204).send()
    }
  })
}
