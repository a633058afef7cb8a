import type { Clock } from '../../store/clock.js'
import type { RateLimits, RateLimitsState } from '../../schemas/rate-limits.js'
import type { SettingsStore } from '../../store/settings.js'
import type { CounterStore } from './counter.js'
import type { PolicySet } from './policies.js'
import { scopeOf } from './throttle.js'
import { policiesViews } from './view.js'

/**
 * The throttling policies in force (global, and per project) with their counters, as the control
 * plane changes them. A change to a scope's policies starts its counts afresh.
 */
export function createRateLimits (settings: SettingsStore, counters: CounterStore, clock: Clock) {
  const policies = (): PolicySet => settings.get('rateLimits') as PolicySet
  const scopePrefix = (projectId: string | undefined): string => `${projectId ?? '*'}|`
  const write = (next: PolicySet, projectId: string | undefined): void => {
    settings.set('rateLimits', next)
    counters.clear(scopePrefix(projectId))
  }

  /** The policies of a scope (all, without projectId), with their counts unless `counts` is false. */
  function view (projectId?: string, counts = true): RateLimitsState {
    const set = policies()
    const now = clock.now()
    const { scope, rules } = scopeOf(set, projectId)
    const own = projectId === undefined ? Object.entries(set.projects).sort(([a], [b]) => a < b ? -1 : 1) : []
    const [views, ...projectViews] = policiesViews([{ rules, scope }, ...own.map(([id, itsRules]) => ({ rules: itsRules, scope: id, shown: 0 }))], counters, now, counts)
    const state: RateLimitsState = { source: scope === '*' ? 'global' : 'project', policies: views }
    if (projectId !== undefined) return { project_id: projectId, ...state }
    // Every project's policies with counts only (callers_total); its callers are listed with ?project_id=.
    // fromEntries defines keys as data: a project named `__proto__` is listed like any other.
    const projects = Object.fromEntries(own.map(([id], i) => [id, projectViews[i]]))
    return { ...state, projects }
  }

  return {
    policies,
    counters,
    view,
    /** Replaces the global policies, or one project's (which then apply to it instead of the global ones). */
    put (projectId: string | undefined, rules: RateLimits): RateLimitsState {
      const set = policies()
      write(projectId === undefined ? { ...set, global: rules } : { ...set, projects: { ...set.projects, [projectId]: rules } }, projectId)
      return view(projectId)
    },
    /** Removes the global policies (throttling off where no project has its own), or a project's own set. */
    remove (projectId: string | undefined): RateLimitsState {
      const set = policies()
      if (projectId === undefined) write({ ...set, global: {} }, undefined)
      else {
        const { [projectId]: _removed, ...rest } = set.projects
        write({ ...set, projects: rest }, projectId)
      }
      return view(projectId)
    },
    /** Back to the start state: for a project, no policies of its own and fresh counts; for all, the start-up policies. */
    restore (projectId?: string): void {
      if (projectId === undefined) {
        settings.restore('rateLimits')
        counters.clear()
      } else if (Object.hasOwn(policies().projects, projectId)) this.remove(projectId)
      else counters.clear(scopePrefix(projectId))
    }
  }
}
export type RateLimitsControl = ReturnType<typeof createRateLimits>
