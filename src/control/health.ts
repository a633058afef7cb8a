import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthMode } from '../schemas/auth-mode.js'
import { HealthSchema } from '../schemas/control.js'
import { VERSION } from '../runtime/version.js'

export interface HealthOptions {
  countTransactions: () => number
  countFaults: () => number
  auth?: AuthMode
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
