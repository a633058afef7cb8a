import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Clock } from '../store/clock.js'
import { ClockOffsetSchema, ClockViewSchema, type ClockView } from '../schemas/clock.js'
import { ErrorBodySchema } from '../schemas/error-body.js'

export interface ClockRouteOptions {
  clock: Clock
  setOffset: (offsetMs: number) => void
  /** Back to the start-up offset (--clock-offset). */
  restoreOffset: () => void
}

const TAGS = ['Control plane']
const ERRORS = { 400: ErrorBodySchema, 401: ErrorBodySchema }

/** /_emulator/clock: shifts the emulator's now, so a test reaches an expiry or a skew without waiting. */
export const clockRoutes: FastifyPluginAsyncTypebox<ClockRouteOptions> = async (app, { clock, setOffset, restoreOffset }) => {
  const view = (): ClockView => ({ offset_ms: clock.offsetMs(), now: new Date(clock.now()).toISOString() })

  app.post('/_emulator/clock', {
    schema: { operationId: 'SetClock', summary: 'Shift the emulator\'s clock (X-Sdk-Date window, expiry, lockouts, throttling windows)', tags: TAGS, body: ClockOffsetSchema, response: { 200: ClockViewSchema, ...ERRORS } }
  }, async (request) => { setOffset(request.body.offset_ms); return view() })

  app.get('/_emulator/clock', {
    schema: { operationId: 'GetClock', summary: 'The emulator\'s clock offset and now', tags: TAGS, response: { 200: ClockViewSchema, ...ERRORS } }
  }, async () => view())

  app.delete('/_emulator/clock', {
    schema: { operationId: 'ResetClock', summary: 'Back to the start-up offset (--clock-offset, default 0)', tags: TAGS, response: { 200: ClockViewSchema, ...ERRORS } }
  }, async () => { restoreOffset(); return view() })
}
