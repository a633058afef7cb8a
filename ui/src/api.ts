import type { JournalEntry } from '../../src/schemas/journal.js'

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

/** Calls the control plane; JSON in and out, errors thrown as ApiError. */
export async function api<T> (method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
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
  if (text === '') return undefined as T
  return (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) as T : text as T
}

/** A query string of the given parameters, leaving out empty ones. */
export function query (params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s === '' ? '' : `?${s}`
}

export type StreamState = 'connecting' | 'live' | 'reconnecting'

/**
 * Follows GET /_emulator/requests/stream. EventSource cannot send an Authorization header, so the
 * stream is read with fetch and its Server-Sent Events parsed here; after a break it reconnects
 * with Last-Event-ID, so nothing the journal still holds is missed.
 */
export function followJournal (search: string, lastSeq: number, onEntry: (e: JournalEntry) => void, onState: (s: StreamState) => void): () => void {
  let stopped = false
  let controller: AbortController | undefined
  let last = lastSeq
  const run = async (): Promise<void> => {
    // eslint-disable-next-line no-unmodified-loop-condition -- the returned stop function sets it
    while (!stopped) {
      controller = new AbortController()
      try {
        const res = await fetch(`/_emulator/requests/stream${search}`, { headers: headers({ 'last-event-id': String(last) }), signal: controller.signal })
        if (res.status === 401) { onUnauthorized(); return }
        if (!res.ok || res.body === null) throw new Error(String(res.status))
        onState('live')
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let end: number
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const frame = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n')
            if (!/^event: ?request$/m.test(frame) || data === '') continue
            const entry = JSON.parse(data) as JournalEntry
            if (entry.seq <= last) continue
            last = entry.seq
            onEntry(entry)
          }
        }
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
