import { useEffect, useRef, useState } from 'preact/hooks'
import type { Health } from '../../src/schemas/control.js'
import type { RateLimitsState, RateLimitsView } from '../../src/schemas/rate-limits.js'
import { api } from './api.js'

interface Rates { perSecond: number, errorRate: number }

const REQUESTS = /^wks_emulator_http_requests_total\{([^}]*)\} (\S+)$/gm

/**
 * Requests of the emulated API so far, and how many were errors (status ≥ 400, or none sent),
 * from the Prometheus text of /_emulator/metrics; control-plane routes are left out.
 */
export function countRequests (metrics: string): { total: number, errors: number } {
  let total = 0
  let errors = 0
  for (const [, labels, value] of metrics.matchAll(REQUESTS)) {
    if (/route="\/_emulator/.test(labels)) continue
    const status = Number(/status="(\d+)"/.exec(labels)?.[1] ?? 0)
    total += Number(value)
    if (status >= 400 || status === 0) errors += Number(value)
  }
  return { total, errors }
}

const uptime = (s: number): string => s < 60 ? `${Math.floor(s)} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${(s / 3600).toFixed(1)} h`

/** Version, uptime, auth mode, counts, request rate and error rate, and the throttling policies. */
export function StatusStrip () {
  const [health, setHealth] = useState<Health>()
  const [rates, setRates] = useState<Rates>()
  const [limits, setLimits] = useState<string>()
  const previous = useRef<{ at: number, total: number, errors: number }>()

  useEffect(() => {
    const tick = async () => {
      try {
        setHealth(await api('Health'))
        const now = performance.now()
        const counts = countRequests(await api('Metrics'))
        const before = previous.current
        if (before !== undefined && now > before.at) {
          const requests = counts.total - before.total
          setRates({ perSecond: requests / ((now - before.at) / 1000), errorRate: requests > 0 ? (counts.errors - before.errors) / requests : 0 })
        }
        previous.current = { at: now, ...counts }
        // The summary needs the policies only: counts=false reads no counter, whatever the callers.
        setLimits(summariseLimits(await api('GetRateLimits', { query: { counts: false } })))
      } catch {}
    }
    tick().catch(() => {})
    const timer = setInterval(tick, 2000)
    return () => clearInterval(timer)
  }, [])

  if (health === undefined) return <div class='status' aria-busy='true' />
  return (
    <dl class='status' aria-label='Emulator status'>
      <div><dt>version</dt><dd>{health.version}</dd></div>
      <div><dt>uptime</dt><dd>{uptime(health.uptime_s)}</dd></div>
      {health.auth !== undefined && <div><dt>auth</dt><dd>{health.auth}</dd></div>}
      <div><dt>records</dt><dd data-status='transactions'>{health.transactions}</dd></div>
      <div><dt>fault rules</dt><dd data-status='faults'>{health.faults}</dd></div>
      <div><dt>req/s</dt><dd data-status='rate'>{rates === undefined ? '…' : rates.perSecond.toFixed(1)}</dd></div>
      <div><dt>errors</dt><dd data-status='errors' class={rates !== undefined && rates.errorRate > 0 ? 'warn' : undefined}>{rates === undefined ? '…' : `${(rates.errorRate * 100).toFixed(1)} %`}</dd></div>
      {limits !== undefined && <div><dt>throttling</dt><dd data-status='throttling'>{limits}</dd></div>}
    </dl>
  )
}

const policyText = (policies: RateLimitsView): string =>
  Object.entries(policies).map(([name, p]) => `${name} ${p.limit}/${p.window.replace('1 ', '')}`).join(', ')

/**
 * The global throttling policies in short ("api 200/second, user 10/second"), "off" when none,
 * and how many projects have their own.
 */
export function summariseLimits (state: RateLimitsState): string {
  const global = policyText(state.policies) || 'off'
  const own = Object.keys(state.projects ?? {}).length
  return own === 0 ? global : `${global}; ${own} project${own === 1 ? '' : 's'} with their own`
}
