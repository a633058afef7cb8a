import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { Config } from '../config/schema.js'
import { NoQuerySchema } from '../schemas/control.js'
import type { Metrics } from '../runtime/metrics/metrics.js'
import type { EmulatorState } from '../api/state.js'
import { healthRoute } from './health.js'
import { openapiRoute } from './openapi.js'
import { installAdminAuth } from './admin-auth.js'
import { clockRoutes } from './clock.js'
import type { DriftDetector } from '../api/upstream/drift.js'
import { driftRoutes } from './drift.js'
import { installJsonBodies } from './json-body.js'
import { faultsRoutes } from './faults.js'
import { metricsRoute } from './metrics.js'
import { createJournalStream } from '../store/journal/stream.js'
import { rateLimitsRoutes } from './rate-limits.js'
import { requestsRoutes } from './requests.js'
import { requestsStreamRoute } from './requests-stream.js'
import { resetRoute } from './reset.js'
import { stateRoutes } from './state.js'
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
  /** Upstream schema drift, served at /_emulator/drift. */
  drift?: DriftDetector
}

/**
 * Every control route validates its query string like a body: a route without a querystring
 * schema accepts no parameter at all, and one with a schema accepts only what it lists (400
 * naming the parameter otherwise), so a misspelt filter never silently widens a destructive call.
 */
function strictQueryStrings (app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema ?? {}
    const query = schema.querystring as Record<string, unknown> | undefined
    route.schema = { ...schema, querystring: query === undefined ? NoQuerySchema : { ...query, additionalProperties: false } }
  })
}

/** Batches of records are larger than anything the emulated API receives; each route's is in BODY_LIMITS. */
export { CONTROL_BODY_LIMIT } from './body-limits.js'

/** /_emulator/*: never subject to emulated auth or faults; guarded by --admin-token when set. */
export const controlPlane: FastifyPluginAsync<ControlPlaneOptions> = async (app, { state, adminToken, auth, resetAuth, metrics, drift }) => {
  installAdminAuth(app, adminToken)
  strictQueryStrings(app)
  installJsonBodies(app)
  await app.register(healthRoute, { countTransactions: () => state.transactions.count(), countFaults: () => state.faults.count(), auth })
  await app.register(openapiRoute)
  await app.register(transactionsRoutes, { store: state.transactions })
  await app.register(faultsRoutes, { faults: state.faults })
  await app.register(requestsRoutes, { journal: state.journal })
  await app.register(rateLimitsRoutes, { rateLimits: state.rateLimits })
  await app.register(clockRoutes, {
    clock: state.clock,
    setOffset: (offsetMs) => state.settings.set('clockOffsetMs', offsetMs),
    restoreOffset: () => state.settings.restore('clockOffsetMs')
  })
  await app.register(requestsStreamRoute, { stream: createJournalStream(state.journal) })
  if (metrics) await app.register(metricsRoute, { metrics })
  if (drift) await app.register(driftRoutes, { drift })
  await app.register(stateRoutes, { state })
  await app.register(resetRoute, {
    reset: (projectId) => {
      // Lockouts belong to AKs, not to a project namespace: only a full reset forgets them.
      if (projectId === undefined) resetAuth?.()
      return state.reset(projectId)
    }
  })
}
