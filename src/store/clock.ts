/**
 * The emulator's notion of now: the host's clock shifted by an offset that tests move
 * (`--clock-offset`, `POST /_emulator/clock`). Every decision that involves the time of day reads
 * it: the X-Sdk-Date window, token and AK/SK `expires_at`, AK lockouts and throttling windows.
 */
export interface Clock {
  /** Epoch ms, shifted. */
  now: () => number
  /** The shift in ms (positive: the emulator lives in the future). */
  offsetMs: () => number
}

/**
 * A clock reading its offset from `offsetMs` on every call, so a change made by any process that
 * shares the state is seen at once. `base` is the host's clock (tests pass a fixed one).
 */
export function createClock (offsetMs: () => number, base: () => number = Date.now): Clock {
  return { now: () => base() + offsetMs(), offsetMs }
}

/** A clock with a fixed offset (tests, and callers outside a running emulator). */
export const fixedClock = (offset = 0, base: () => number = Date.now): Clock => createClock(() => offset, base)
