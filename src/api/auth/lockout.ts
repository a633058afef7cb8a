export interface LockoutOptions {
  /** Consecutive failures that lock an AK; 0 never locks. */
  threshold?: number
  durationMs?: number
}

export const LOCKOUT_THRESHOLD = 5
export const LOCKOUT_DURATION_MS = 5 * 60_000

interface AkState { failures: number, lockedUntil?: number }

/**
 * The gateway's AK lockout: after `threshold` consecutive AK/SK failures the AK is refused for
 * `durationMs`, correct signature or not; then it starts afresh. Time is passed in, so tests set it.
 */
export function createLockout ({ threshold = LOCKOUT_THRESHOLD, durationMs = LOCKOUT_DURATION_MS }: LockoutOptions = {}) {
  const state = new Map<string, AkState>()
  return {
    isLocked (ak: string, now: number): boolean {
      const s = state.get(ak)
      if (s?.lockedUntil === undefined) return false
      if (now < s.lockedUntil) return true
      state.delete(ak)
      return false
    },
    recordFailure (ak: string, now: number): void {
      if (threshold === 0) return
      const s = state.get(ak) ?? { failures: 0 }
      s.failures++
      if (s.failures >= threshold) s.lockedUntil = now + durationMs
      state.set(ak, s)
    },
    recordSuccess (ak: string): void {
      state.delete(ak)
    },
    /** Forgets every count and lock (the emulator's reset). */
    clear (): void {
      state.clear()
    }
  }
}
export type Lockout = ReturnType<typeof createLockout>
