import type { JournalEntry } from '../../src/schemas/journal.js'
import { CONTROL_PATHS, controlPath, type ControlOperation } from '../../src/control/route-paths.js'
import type { ControlAnswer, ControlBody, ControlParams, ControlQuery } from '../../src/control/routes.js'

const TOKEN_KEY = 'wks-emulator-admin-token'
// Kept for this tab only, never in a URL or a cookie: sent as a bearer header on each call.
let token: string | null = sessionStorage.getItem(TOKEN_KEY)
let onUnauthorized: () => void = () => {}

export function setToken (value: string | null): void {
  token = value
  if (value === null) sessionStorage.removeItem(TOKEN_KEY)
  else sessionStorage.setItem(TOKEN_KEY, value)
}
export const hasToken = (): boolean => token !== null
export function whenUnauthorized (handler: () => void): void { onUnauthorized = handler }

/** An error answer of the control plane: `{error_code, error_msg}` and the status. */
export class ApiError extends Error {
  constructor (readonly status: number, readonly code: string | undefined, message: string) { super(message) }
  /** The field a 400 names (`Invalid request body: field action.status must be …`), if any. */
  get field (): string | undefined {
    return /(?:field|parameter) ([\w.[\]]+)/.exec(this.message)?.[1]
  }
}

function headers (extra: Record<string, string> = {}): Record<string, string> {
  return token === null ? extra : { ...extra, authorization: `Bearer ${token}` }
}

/**
 * An operation's query as a form gives it: a field's text is sent as typed (the control plane's
 * validation, not the form's, decides what is acceptable), and an empty field is no parameter.
 */
export type FormQuery<K extends ControlOperation> = { [P in keyof ControlQuery<K>]?: ControlQuery<K>[P] | string }

const given = (query: object | undefined): object | undefined => query && Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''))

/** Calls an operation of the control plane, typed by its schemas; JSON in and out, errors thrown as ApiError. */
export async function api<K extends ControlOperation> (operation: K, { params, query, body }: { params?: ControlParams<K>, query?: FormQuery<K>, body?: ControlBody<K> } = {}): Promise<ControlAnswer<K>> {
  const res = await fetch(controlPath(operation, params, given(query)), {
    method: CONTROL_PATHS[operation].method,
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  if (res.status === 401) onUnauthorized()
  if (!res.ok) {
    let parsed: { error_code?: string, error_msg?: string } = {}
    try { parsed = JSON.parse(text) } catch {}
    throw new ApiError(res.status, parsed.error_code, parsed.error_msg ?? `${res.status} ${res.statusText}`)
  }
  const answer: unknown = text === '' ? undefined : (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text
  return answer as ControlAnswer<K>
}

export type StreamState = 'connecting' | 'live' | 'reconnecting'

/**
 * Follows GET /_emulator/requests/stream. EventSource cannot send an Authorization header, so the
 * stream is read with fetch and its Server-Sent Events parsed here; after a break it reconnects
 * with Last-Event-ID, so nothing the journal still holds is missed.
 */
export function followJournal (filter: FormQuery<'StreamRequests'>, lastSeq: number, onEntry: (e: JournalEntry) => void, onState: (s: StreamState) => void, onNewJournal: () => void): () => void {
  let stopped = false
  let controller: AbortController | undefined
  let last = lastSeq
  // The journal the seqs belong to: the stream names it first. Another one (the emulator restarted
  // on this port, its seqs again from 1) means starting over from seq 0, at once.
  let journalId: string | undefined
  const run = async (): Promise<void> => {
    // eslint-disable-next-line no-unmodified-loop-condition -- the returned stop function sets it
    while (!stopped) {
      controller = new AbortController()
      try {
        const res = await fetch(controlPath('StreamRequests', undefined, given(filter)), { headers: headers({ 'last-event-id': String(last) }), signal: controller.signal })
        if (res.status === 401) { onUnauthorized(); return }
        if (!res.ok || res.body === null) throw new Error(String(res.status))
        onState('live')
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        let restart = false
        while (!restart) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let end: number
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const frame = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n')
            if (/^event: ?journal$/m.test(frame) && data !== '') {
              const id = (JSON.parse(data) as { journal_id: string }).journal_id
              if (journalId !== undefined && id !== journalId) {
                last = 0
                onNewJournal()
                restart = true
                controller.abort()
              }
              journalId = id
              if (restart) break
              continue
            }
            if (!/^event: ?request$/m.test(frame) || data === '') continue
            const entry = JSON.parse(data) as JournalEntry
            if (entry.seq <= last) continue
            last = entry.seq
            onEntry(entry)
          }
        }
        if (restart) continue
      } catch {
        if (stopped) return
      }
      onState('reconnecting')
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
  onState('connecting')
  run().catch(() => onState('reconnecting'))
  return () => { stopped = true; controller?.abort() }
}
