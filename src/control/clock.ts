import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Clock } from '../store/clock.js'
import type { ClockView } from '../schemas/clock.js'
import { controlRoute } from './routes.js'

export interface ClockRouteOptions {
  clock: Clock
  setOffset: (offsetMs: number) => void
  /** Back to the start-up offset (--clock-offset). */
  restoreOffset: () => void
}

/** /_emulator/clock: shifts the emulator's now, so a test reaches an expiry or a skew without waiting. */
export const clockRoutes: FastifyPluginAsyncTypebox<ClockRouteOptions> = async (app, { clock, setOffset, restoreOffset }) => {
  const view = (): ClockView => ({ offset_ms: clock.offsetMs(), now: new Date(clock.now()).toISOString() })

  app.route({ ...controlRoute('SetClock'), handler: async (request) => { setOffset(request.body.offset_ms); return view() } })
  app.route({ ...controlRoute('GetClock'), handler: async () => view() })
  app.route({ ...controlRoute('ResetClock'), handler: async () => { restoreOffset(); return view() } })
}
