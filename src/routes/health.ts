import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AUTH_MODES } from '../config.js'
import { stringEnum } from '../schemas/string-enum.js'
import { VERSION } from '../version.js'

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  uptime_s: Type.Number({ description: 'Seconds since start.' }),
  transactions: Type.Integer({ description: 'Stored transactions.' }),
  faults: Type.Integer({ description: 'Active fault rules.' }),
  auth: Type.Optional(stringEnum(AUTH_MODES, { description: 'The --auth mode of the emulated API.' }))
}, { additionalProperties: false })

export interface HealthOptions {
  countTransactions: () => number
  countFaults: () => number
  auth?: typeof AUTH_MODES[number]
}

export const healthRoute: FastifyPluginAsyncTypebox<HealthOptions> = async (app, { countTransactions, countFaults, auth }) => {
  const started = performance.now()
  app.get('/_emulator/health', {
    schema: { operationId: 'Health', summary: 'Liveness and a summary of the emulator state', tags: ['Control plane'], response: { 200: HealthSchema } }
  }, async () => ({
    status: 'ok' as const,
    version: VERSION,
    uptime_s: Math.round((performance.now() - started) / 10) / 100,
    transactions: countTransactions(),
    faults: countFaults(),
    auth
  }))
}
