import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import type { EmulatorState } from '../api/state.js'
import { errors } from '../errors.js'
import { controlRoute } from './routes.js'
import { exportState } from './snapshot/export.js'
import { documentProblem } from './snapshot/import.js'

/** Snapshots: the state (records, fault rules) of one project or all, out as one document and back. */
export const stateRoutes: FastifyPluginAsyncTypebox<{ state: EmulatorState }> = async (app, { state }) => {
  app.route({
    ...controlRoute('ExportState'),
    handler: async (request, reply) => {
      const chunks = exportState(state, request.query.project_id)
      // A stream is sent as it is; the typed reply models only the serialised document.
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(Readable.from(chunks, { objectMode: false }))
    }
  })

  app.route({
    ...controlRoute('ImportState'),
    handler: async (request) => {
      const projectId = request.query.project_id
      const doc = request.body
      const others = projectId === undefined ? [] : state.faults.rules().filter((r) => r.match?.project_id !== projectId)
      const problem = documentProblem(doc, projectId, others)
      if (problem !== undefined) throw errors.invalidBody(problem)
      return state.replace(projectId, doc.transactions, doc.faults)
    }
  })
}
