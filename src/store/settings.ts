import { sharedByProcesses, type Db } from './db.js'

/** Values the emulator keeps as settings: the clock offset and the throttling policies. */
export interface Settings {
  clockOffsetMs: number
  /** JSON-ready policies as `src/api/throttle/policies.ts` keeps them. */
  rateLimits: unknown
}
export type SettingName = keyof Settings

/**
 * Small run-time settings in SQLite, so that every worker of one file database sees a change made
 * through any of them. Values are cached and re-read only when the version row moves; a database
 * no other process can reach (`:memory:`, an exclusive file) pays no query at all per read.
 */
export function createSettingsStore (db: Db, defaults: Settings) {
  const version = db.prepare<[], number>("SELECT version FROM state_version WHERE name = 'settings'").pluck()
  const bump = db.prepare("UPDATE state_version SET version = version + 1 WHERE name = 'settings'")
  const read = db.prepare<[], { name: string, value: string }>('SELECT name, value FROM settings')
  const write = db.prepare<[string, string]>('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value')
  const remove = db.prepare<[string]>('DELETE FROM settings WHERE name = ?')

  const shared = sharedByProcesses(db)
  let cachedVersion = -1
  let cached: Settings = { ...defaults }
  const current = (): Settings => {
    if (!shared && cachedVersion !== -1) return cached
    const v = version.get()!
    if (v !== cachedVersion) {
      const next: Record<string, unknown> = { ...defaults }
      for (const row of read.all()) if (row.name in defaults) next[row.name] = JSON.parse(row.value)
      cached = next as unknown as Settings
      cachedVersion = v
    }
    return cached
  }
  const change = db.transaction((fn: () => void) => { fn(); bump.run(); cachedVersion = -1 })

  return {
    get: <K extends SettingName>(name: K): Settings[K] => current()[name],
    set: <K extends SettingName>(name: K, value: Settings[K]): void => change.immediate(() => write.run(name, JSON.stringify(value))),
    /** Back to the start-up value of each setting named (all when none is). */
    restore: (...names: SettingName[]): void => change.immediate(() => {
      for (const name of names.length === 0 ? Object.keys(defaults) : names) remove.run(name)
    })
  }
}
export type SettingsStore = ReturnType<typeof createSettingsStore>
