import { Type, type Static } from '@sinclair/typebox'

/** Largest shift accepted either way: 100 years, far beyond any expiry a test needs to reach. */
export const MAX_CLOCK_OFFSET_MS = 100 * 365 * 24 * 3600 * 1000

const offset = Type.Integer({ minimum: -MAX_CLOCK_OFFSET_MS, maximum: MAX_CLOCK_OFFSET_MS, description: 'Shift of the emulator\'s clock from the host\'s, ms (positive: ahead).' })

export const ClockOffsetSchema = Type.Object({ offset_ms: offset }, { title: 'ClockOffset', additionalProperties: false })
export type ClockOffset = Static<typeof ClockOffsetSchema>

export const ClockViewSchema = Type.Object({
  offset_ms: offset,
  now: Type.String({ description: 'The emulator\'s now, ISO 8601.' })
}, { title: 'Clock', additionalProperties: false })
export type ClockView = Static<typeof ClockViewSchema>
