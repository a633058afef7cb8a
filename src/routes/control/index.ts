import type { FastifyPluginAsync } from 'fastify'
import type { EmulatorState } from '../../emulator-state.js'
import { healthRoute } from '../health.js'
import { openapiRoute } from '../openapi.js'
import { installAdminAuth } from './admin-auth.js'
import { faultsRoutes } from './faults.js'
import { requestsRoutes } from './requests.js'
import { resetRoute } from './reset.js'
import { transactionsRoutes } from './transactions.js'

export interface ControlPlaneOptions {
  state: EmulatorState
  adminToken?: string
}

/** Batches of records are larger than anything the emulated API receives. */
export const CONTROL_BODY_LIMIT = 8 * 1024 * 1024

/** /_emulator/*: never subject to emulated auth or faults; guarded by --admin-token when set. */
export const controlPlane: FastifyPluginAsync<ControlPlaneOptions> = async (app, { state, adminToken }) => {
  installAdminAuth(app, adminToken)
  await app.register(healthRoute, { countTransactions: () => state.transactions.count(), countFaults: () => state.faults.count() })
  await app.register(openapiRoute)
  await app.register(transactionsRoutes, { store: state.transactions })
  await app.register(faultsRoutes, { faults: state.faults })
  await app.register(requestsRoutes, { journal: state.journal })
  await app.register(resetRoute, { reset: (projectId) => state.reset(projectId) })
}
