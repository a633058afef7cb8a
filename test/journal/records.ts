import type { JournalRecord } from '../../src/schemas/journal.js'

export const AT = Date.UTC(2026, 10, 28, 1, 2, 3, 456)

/** Journal record number n: even numbers in project p-even, odd in p-odd, one ms apart. */
export function record (n: number, extra: Partial<JournalRecord> = {}): JournalRecord {
  return {
    at: AT + n,
    request_id: n.toString(16).padStart(32, '0'),
    method: 'GET',
    path: '/v2/p1/statistics/metrics/access-stages',
    project_id: n % 2 === 0 ? 'p-even' : 'p-odd',
    transaction_id: `t-${n}`,
    status: 200,
    duration_ms: n / 1000,
    auth: { scheme: 'token', principal: 'token', ok: true },
    outcome: 'ok',
    ...extra
  }
}
