// The method and URL of each control-plane operation, by operationId: the column of the route
// table (routes.ts) that a client needs at run time. It imports nothing, so the dashboard can
// bundle it without the TypeBox schemas (which would double the size of its script); routes.ts
// adds the schemas, and the compiler holds both to the same operations.

export const CONTROL_PATHS = {
  Health: { method: 'GET', url: '/_emulator/health' },
  UpsertTransactions: { method: 'POST', url: '/_emulator/transactions' },
  ListTransactions: { method: 'GET', url: '/_emulator/transactions' },
  ListProjects: { method: 'GET', url: '/_emulator/projects' },
  GetTransaction: { method: 'GET', url: '/_emulator/transactions/:project_id/:transaction_id' },
  DeleteTransaction: { method: 'DELETE', url: '/_emulator/transactions/:project_id/:transaction_id' },
  DeleteProjectTransactions: { method: 'DELETE', url: '/_emulator/transactions' },
  AddFault: { method: 'POST', url: '/_emulator/faults' },
  ListFaults: { method: 'GET', url: '/_emulator/faults' },
  DeleteFaults: { method: 'DELETE', url: '/_emulator/faults' },
  DeleteFault: { method: 'DELETE', url: '/_emulator/faults/:id' },
  ListRequests: { method: 'GET', url: '/_emulator/requests' },
  CountRequests: { method: 'GET', url: '/_emulator/requests/count' },
  ClearRequests: { method: 'DELETE', url: '/_emulator/requests' },
  StreamRequests: { method: 'GET', url: '/_emulator/requests/stream' },
  PutRateLimits: { method: 'PUT', url: '/_emulator/rate-limits' },
  GetRateLimits: { method: 'GET', url: '/_emulator/rate-limits' },
  DeleteRateLimits: { method: 'DELETE', url: '/_emulator/rate-limits' },
  SetClock: { method: 'POST', url: '/_emulator/clock' },
  GetClock: { method: 'GET', url: '/_emulator/clock' },
  ResetClock: { method: 'DELETE', url: '/_emulator/clock' },
  Metrics: { method: 'GET', url: '/_emulator/metrics' },
  ListDrift: { method: 'GET', url: '/_emulator/drift' },
  ClearDrift: { method: 'DELETE', url: '/_emulator/drift' },
  ExportState: { method: 'GET', url: '/_emulator/state' },
  ImportState: { method: 'PUT', url: '/_emulator/state' },
  Reset: { method: 'POST', url: '/_emulator/reset' }
} as const

export type ControlOperation = keyof typeof CONTROL_PATHS

/** Served outside the document (hidden routes): the document itself, and the dashboard's pages. */
export const OPENAPI_URL = '/_emulator/openapi.json'
export const DASHBOARD_URL = '/_emulator/ui'

/**
 * The path of an operation: each `:name` of its URL replaced by the parameter, URI-encoded as one
 * segment (a `/` or `..` in an id stays inside it); then the query parameters that are not
 * undefined, form-encoded. The parts are typed at the callers, by ControlRequest (routes.ts): this
 * module cannot name the schemas.
 */
export function controlPath (operation: ControlOperation, params?: unknown, query?: unknown): string {
  const values = (params ?? {}) as Record<string, string>
  const path = CONTROL_PATHS[operation].url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name]))
  const entries = Object.entries(query ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])
  return entries.length ? `${path}?${new URLSearchParams(entries)}` : path
}
