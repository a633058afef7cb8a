import type { FastifyPluginAsync } from 'fastify'
import type { Config } from '../../config.js'
import type { Metrics } from '../../metrics/metrics.js'
import type { EmulatorState } from '../../emulator-state.js'
import { healthRoute } from '../health.js'
import { openapiRoute } from '../openapi.js'
import { installAdminAuth } from './admin-auth.js'
import { faultsRoutes } from './faults.js'
import { metricsRoute } from './metrics.js'
import { createJournalStream } from '../../journal/stream.js'
import { requestsRoutes } from './requests.js'
import { requestsStreamRoute } from './requests-stream.js'
import { resetRoute } from './reset.js'
import { transactionsRoutes } from './transactions.js'

export interface ControlPlaneOptions {
  state: EmulatorState
  adminToken?: string
  /** The --auth mode, shown by health. */
  auth?: Config['auth']
  /** Forgets authentication state (AK lockouts) on a full reset. */
  resetAuth?: () => void
  /** The app's metrics, served at /_emulator/metrics. */
  metrics?: Metrics
}

/** Batches of records are larger than anything the emulated API receives. */
export const CONTROL_BODY_LIMIT = 8 * 1024 * 1024

/** /_emulator/*: never subject to emulated auth or faults; guarded by --admin-token when set. */
export const controlPlane: FastifyPluginAsync<ControlPlaneOptions> = async (app, { state, adminToken, auth, resetAuth, metrics }) => {
  installAdminAuth(app, adminToken)
  await app.register(healthRoute, { countTransactions: () => state.transactions.count(), countFaults: () => state.faults.count(), auth })
  await app.register(openapiRoute)
  await app.register(transactionsRoutes, { store: state.transactions })
  await app.register(faultsRoutes, { faults: state.faults })
  await app.register(requestsRoutes, { journal: state.journal })
  await app.register(requestsStreamRoute, { stream: createJournalStream(state.journal) })
  if (metrics) await app.register(metricsRoute, { metrics })
  await app.register(resetRoute, {
    reset: (projectId) => {
      // Lockouts belong to AKs, not to a project namespace: only a full reset forgets them.
      if (projectId === undefined) resetAuth?.()
      return state.reset(projectId)
    }
  })
}
