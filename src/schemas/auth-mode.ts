/** The `--auth` modes of the emulated API (the contract's §3): off, relaxed (any credentials), strict (verified). */
export const AUTH_MODES = ['off', 'relaxed', 'strict'] as const
export type AuthMode = typeof AUTH_MODES[number]
