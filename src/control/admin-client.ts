import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { TransactionRecord } from '../schemas/access-stages.js'
import type { FaultRule, FaultRuleView } from '../schemas/faults.js'
import type { JournalEntry } from '../schemas/journal.js'
import type { ErrorBody } from '../schemas/error-body.js'
import type { RateLimits } from '../schemas/rate-limits.js'
import type { ListTransactionsQuery, RequestList, RequestsCountQuery, RequestsQuery } from '../schemas/control.js'
import type { StateDocument } from '../schemas/state.js'
import type { DriftQuery } from '../schemas/upstream.js'
import { CONTROL_PATHS, controlPath, type ControlOperation } from './route-paths.js'
import type { ControlAnswer, ControlRequest } from './routes.js'

/** Which journal entries to read: the query of GET /_emulator/requests (limit has a default). */
export type RequestFilter = Partial<RequestsQuery>

/** One page of the journal, as GET /_emulator/requests answers. */
export type RequestPage = RequestList

/** A control-plane call that did not succeed; carries the catalogue body. */
export class AdminError extends Error {
  constructor (readonly status: number, readonly body: ErrorBody | undefined) {
    super(`control plane answered ${status}${body ? `: ${body.error_code} ${body.error_msg}` : ''}`)
    this.name = 'AdminError'
  }
}

/**
 * Sends the path exactly as given. fetch() would resolve `.` and `..` segments, even escaped as
 * %2E, so a record or rule whose id is `..` would be asked for at another path entirely.
 */
function send (baseUrl: string, ca: string | undefined, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number, text: string }> {
  const url = new URL(baseUrl)
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  const allHeaders = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }
  return new Promise((resolve, reject) => {
    const req = request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port,
      method,
      path: url.pathname.replace(/\/+$/, '') + path,
      headers: allHeaders,
      ...(ca === undefined ? {} : { ca })
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A typed client of the control plane over HTTP, for an emulator running elsewhere (e.g. in Docker). */
export class AdminClient {
  readonly baseUrl: string
  readonly #headers: Record<string, string>
  readonly #ca: string | undefined

  /** `ca`: PEM certificate(s) to trust for an https:// URL, e.g. the one `--tls self-signed` wrote. */
  constructor (baseUrl: string, options: { adminToken?: string, ca?: string } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '')
    this.#headers = options.adminToken ? { authorization: `Bearer ${options.adminToken}` } : {}
    this.#ca = options.ca
  }

  /** Calls an operation of the route table; its answer is typed by the operation's success schema. */
  async #call<K extends ControlOperation> (operation: K, { params, query, body }: ControlRequest<K> = {}): Promise<ControlAnswer<K>> {
    const headers = body === undefined ? this.#headers : { ...this.#headers, 'content-type': 'application/json' }
    const path = controlPath(operation, params, query)
    const { status, text } = await send(this.baseUrl, this.#ca, CONTROL_PATHS[operation].method, path, headers, body === undefined ? undefined : JSON.stringify(body))
    if (status < 200 || status >= 300) {
      let parsed: ErrorBody | undefined
      try { parsed = JSON.parse(text) as ErrorBody } catch { parsed = undefined }
      throw new AdminError(status, parsed)
    }
    return (text ? JSON.parse(text) : undefined) as ControlAnswer<K>
  }

  health () { return this.#call('Health') }
  /** Upserts records, all or nothing; resolves to how many were stored. */
  async seed (records: TransactionRecord | TransactionRecord[]): Promise<number> {
    const body = Array.isArray(records) ? { transactions: records } : records
    return (await this.#call('UpsertTransactions', { body })).count
  }

  listTransactions (params: ListTransactionsQuery = {}) { return this.#call('ListTransactions', { query: params }) }

  getTransaction (projectId: string, transactionId: string) {
    return this.#call('GetTransaction', { params: { project_id: projectId, transaction_id: transactionId } })
  }

  async deleteTransaction (projectId: string, transactionId: string): Promise<void> {
    await this.#call('DeleteTransaction', { params: { project_id: projectId, transaction_id: transactionId } })
  }

  async deleteProject (projectId: string): Promise<number> {
    return (await this.#call('DeleteProjectTransactions', { query: { project_id: projectId } })).count
  }

  /** Back to the start state, for one project's namespace or everything. */
  reset (projectId?: string) { return this.#call('Reset', { query: { project_id: projectId } }) }
  addFault (rule: FaultRule) { return this.#call('AddFault', { body: rule }) }
  async faults (): Promise<FaultRuleView[]> { return (await this.#call('ListFaults')).faults }
  async deleteFault (id?: string): Promise<void> {
    if (id === undefined) await this.#call('DeleteFaults')
    else await this.#call('DeleteFault', { params: { id } })
  }

  /** One page of journal entries of the emulated API, oldest first (the newest page without after_seq). */
  async requests (filter: RequestFilter = {}): Promise<JournalEntry[]> {
    return (await this.requestPage(filter)).requests
  }

  requestPage (filter: RequestFilter = {}): Promise<RequestPage> {
    return this.#call('ListRequests', { query: filter })
  }

  /**
   * Every matching journal entry from `after_seq` on (default: the oldest kept), a page at a time,
   * following the cursor until the last page: `for await (const page of admin.requestPages())`.
   */
  async * requestPages (filter: RequestFilter = {}): AsyncGenerator<JournalEntry[], void, undefined> {
    let cursor = filter.after_seq ?? 0
    for (;;) {
      const page = await this.requestPage({ ...filter, after_seq: cursor })
      if (page.requests.length > 0) yield page.requests
      if (!page.has_more) return
      cursor = page.next_after_seq
    }
  }

  async countRequests (filter: RequestsCountQuery = {}): Promise<number> {
    return (await this.#call('CountRequests', { query: filter })).count
  }

  async clearRequests (projectId?: string): Promise<number> {
    return (await this.#call('ClearRequests', { query: { project_id: projectId } })).count
  }

  /** Replaces the global throttling policies, or the project's own (which then apply to it instead). */
  setRateLimits (policies: RateLimits, projectId?: string) { return this.#call('PutRateLimits', { query: { project_id: projectId }, body: policies }) }
  /** The policies in force, with the calls left in the current window. */
  rateLimits (projectId?: string) { return this.#call('GetRateLimits', { query: { project_id: projectId } }) }
  deleteRateLimits (projectId?: string) { return this.#call('DeleteRateLimits', { query: { project_id: projectId } }) }
  /** Shifts the emulator's clock by `offsetMs` from the host's (X-Sdk-Date window, expiry, lockouts, throttling windows). */
  setClock (offsetMs: number) { return this.#call('SetClock', { body: { offset_ms: offsetMs } }) }
  clock () { return this.#call('GetClock') }
  /** Back to the start-up offset (--clock-offset). */
  resetClock () { return this.#call('ResetClock') }

  /** A snapshot of the state (records, fault rules) of one project or all; put it back with importState. */
  exportState (projectId?: string) { return this.#call('ExportState', { query: { project_id: projectId } }) }
  /** Replaces the state of one project (give the same projectId as the export) or all; all or nothing. */
  importState (document: StateDocument, projectId?: string) {
    return this.#call('ImportState', { query: { project_id: projectId ?? document.project_id }, body: document })
  }

  /** Schema drift seen in upstream bodies (`--unknown-transaction proxy`). */
  drift (params: DriftQuery = {}) { return this.#call('ListDrift', { query: params }) }
}
