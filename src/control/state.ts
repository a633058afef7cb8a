import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import type { EmulatorState } from '../api/state.js'
import { errors } from '../errors.js'
import { ProjectQuerySchema } from '../schemas/control.js'
import { ErrorBodySchema } from '../schemas/error-body.js'
import { StateCountsSchema, StateDocumentSchema } from '../schemas/state.js'
import { exportState } from './snapshot/export.js'
import { documentProblem } from './snapshot/import.js'
import { FaultRuleError } from '../api/faults/rule-check.js'

/** A snapshot of a large store (100,000 records is about 40 MB) arrives in one body. */
export const STATE_BODY_LIMIT = 512 * 1024 * 1024

const TAGS = ['Control plane']

/** Snapshots: the state (records, fault rules) of one project or all, out as one document and back. */
export const stateRoutes: FastifyPluginAsyncTypebox<{ state: EmulatorState }> = async (app, { state }) => {
  app.get('/_emulator/state', {
    schema: {
      operationId: 'ExportState',
      summary: 'The state (records, fault rules) as one document, streamed; its transactions part is a fixtures file',
      tags: TAGS,
      querystring: ProjectQuerySchema,
      response: { 200: StateDocumentSchema, 400: ErrorBodySchema, 401: ErrorBodySchema }
    }
  }, async (request, reply) => {
    const chunks = exportState(state, request.query.project_id)
    // A stream is sent as it is; the typed reply models only the serialised document.
    return (reply as FastifyReply).type('application/json; charset=utf-8').send(Readable.from(chunks, { objectMode: false }))
  })

  app.put('/_emulator/state', {
    bodyLimit: STATE_BODY_LIMIT,
    schema: {
      operationId: 'ImportState',
      summary: 'Replace the state of one project or all with a document from GET /_emulator/state (all or nothing)',
      tags: TAGS,
      querystring: ProjectQuerySchema,
      body: StateDocumentSchema,
      response: { 200: StateCountsSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 413: ErrorBodySchema }
    }
  }, async (request) => {
    const projectId = request.query.project_id
    const doc = request.body
    const others = projectId === undefined ? [] : state.faults.rules().filter((r) => r.match?.project_id !== projectId)
    const problem = documentProblem(doc, projectId, others)
    if (problem !== undefined) throw errors.invalidBody(problem)
    try {
      return state.replace(projectId, doc.transactions, doc.faults)
    } catch (err) {
      throw err instanceof FaultRuleError ? errors.invalidBody(err.message) : err
    }
  })
}
