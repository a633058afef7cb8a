import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AuthMode } from '../schemas/auth-mode.js'
import { VERSION } from '../runtime/version.js'
import { controlRoute } from './routes.js'

export interface HealthOptions {
  countTransactions: () => number
  countFaults: () => number
  auth?: AuthMode
}

export const healthRoute: FastifyPluginAsyncTypebox<HealthOptions> = async (app, { countTransactions, countFaults, auth }) => {
  const started = performance.now()
  app.route({
    ...controlRoute('Health'),
    handler: async () => ({
      status: 'ok' as const,
      version: VERSION,
      uptime_s: Math.round((performance.now() - started) / 10) / 100,
      transactions: countTransactions(),
      faults: countFaults(),
      auth
    })
  })
}
