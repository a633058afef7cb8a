/** 1234 → "1.23 s", 56 → "56 ms". */
export function ms (value: number): string {
  if (Math.abs(value) >= 60_000) return `${(value / 60_000).toFixed(1)} min`
  if (Math.abs(value) >= 1000) return `${(value / 1000).toFixed(2)} s`
  return `${Math.round(value * 10) / 10} ms`
}

export function clock (iso: string): string {
  const d = new Date(iso)
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`
}

/** Long ids shortened in the middle, whole in the title. */
export const short = (id: string | undefined, keep = 8): string =>
  id === undefined ? '—' : id.length <= keep * 2 + 1 ? id : `${id.slice(0, keep)}…${id.slice(-4)}`

export function statusClass (status: number): string {
  if (status === 0) return 'st-gone'
  if (status < 300) return 'st-ok'
  if (status < 500) return 'st-warn'
  return 'st-bad'
}

/** Outcomes are open-ended strings (served, fault:…, throttled, proxied, …); the class follows the kind. */
export function outcomeClass (outcome: string): string {
  if (outcome === 'ok' || outcome === 'served') return 'oc-ok'
  if (outcome.startsWith('fault')) return 'oc-fault'
  if (outcome === 'throttled') return 'oc-throttled'
  if (outcome === 'proxied') return 'oc-proxied'
  return 'oc-error'
}

/**
 * Moves focus between the rows of a table with the arrow keys, Home and End. Only the first row is
 * a Tab stop (a roving focus), so Tab leaves a long table in one step.
 */
export function onRowKey (event: KeyboardEvent, open?: () => void): void {
  const row = event.currentTarget as HTMLTableRowElement
  let target: Element | null = null
  if (event.key === 'ArrowDown') target = row.nextElementSibling
  else if (event.key === 'ArrowUp') target = row.previousElementSibling
  else if (event.key === 'Home') target = row.parentElement?.firstElementChild ?? null
  else if (event.key === 'End') target = row.parentElement?.lastElementChild ?? null
  else if ((event.key === 'Enter' || event.key === ' ') && open !== undefined) { event.preventDefault(); open(); return }
  if (target instanceof HTMLElement) { event.preventDefault(); target.focus() }
}
