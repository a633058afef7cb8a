import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { encodeRfc3986 } from '../../runtime/wire/aksk-signature.js'
import { VERSION } from '../../runtime/version.js'
import { decodeBody } from './decode.js'
import { upstreamHeaders, type UpstreamAuth } from './sign.js'

/** Larger than any body the API can send (100 stages); a bigger answer is not this API's. */
export const MAX_UPSTREAM_BODY = 1024 * 1024

export interface UpstreamOptions {
  /** Base URL; a path in it (a gateway prefix) goes before `/v2/…`. */
  url: string
  auth?: UpstreamAuth
  /** From sending the request to the last byte of the answer. */
  timeoutMs: number
}

/** What the upstream answered, its body decoded of any Content-Encoding. */
export interface UpstreamAnswer {
  ok: true
  status: number
  body: Buffer
  contentType?: string
  /** The upstream's own X-Request-Id, passed on to the client. */
  requestId?: string
}

/**
 * Why no usable answer came: no connection (or it broke), no answer in time, an answer too large,
 * or one that is not HTTP the emulator can pass on (a status outside 100–599, a coding it cannot decode).
 */
export interface UpstreamFailure {
  ok: false
  reason: 'unreachable' | 'timeout' | 'too_large' | 'bad_answer'
  /** A system error code (ECONNREFUSED) or a short phrase; never a header or a secret. */
  detail: string
}

export type UpstreamResult = UpstreamAnswer | UpstreamFailure

export interface UpstreamClient {
  /** The base URL without credentials or query, for messages and logs. */
  origin: string
  /** ShowUserAccessStages on the upstream, signed anew. Never rejects. */
  showUserAccessStages: (projectId: string, transactionId: string) => Promise<UpstreamResult>
  close: () => void
}

const firstHeader = (value: string | string[] | undefined): string | undefined => Array.isArray(value) ? value[0] : value

/** A keep-alive client of one upstream; the emulator's forwarding step calls it. */
export function createUpstreamClient ({ url, auth, timeoutMs }: UpstreamOptions): UpstreamClient {
  const base = new URL(url)
  const secure = base.protocol === 'https:'
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
  const send = secure ? httpsRequest : httpRequest
  const prefix = base.pathname.replace(/\/+$/, '')
  const origin = `${base.protocol}//${base.host}${prefix}`
  const userAgent = `wks-emulator/${VERSION}`

  const showUserAccessStages = (projectId: string, transactionId: string): Promise<UpstreamResult> => {
    const target = `${prefix}/v2/${encodeURIComponent(projectId)}/statistics/metrics/access-stages?transaction_id=${encodeRfc3986(transactionId)}`
    // The emulator decodes what it records and drift-checks: ask for no coding at all.
    const headers = { ...upstreamHeaders(auth, { target, host: base.host, projectId }, Date.now(), userAgent), 'accept-encoding': 'identity' }
    return new Promise((resolve) => {
      let settled = false
      const settle = (result: UpstreamResult): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(result)
      }
      const req = send({ protocol: base.protocol, hostname: base.hostname.replace(/^\[(.*)\]$/, '$1'), port: base.port, method: 'GET', path: target, headers, agent })
      const timer = setTimeout(() => {
        settle({ ok: false, reason: 'timeout', detail: `no answer within ${timeoutMs} ms` })
        req.destroy()
      }, timeoutMs)
      req.on('error', (err: NodeJS.ErrnoException) => settle({ ok: false, reason: 'unreachable', detail: err.code ?? 'connection failed' }))
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_UPSTREAM_BODY) {
            settle({ ok: false, reason: 'too_large', detail: `answer larger than ${MAX_UPSTREAM_BODY} bytes` })
            req.destroy()
            return
          }
          chunks.push(chunk)
        })
        res.on('error', (err: NodeJS.ErrnoException) => settle({ ok: false, reason: 'unreachable', detail: err.code ?? 'connection broke' }))
        res.on('aborted', () => settle({ ok: false, reason: 'unreachable', detail: 'connection closed mid-answer' }))
        res.on('end', () => {
          const status = res.statusCode ?? 0
          // Node parses any three digits; the client can only be given a real HTTP status.
          if (status < 100 || status > 599) return settle({ ok: false, reason: 'bad_answer', detail: `status ${status}, not an HTTP status` })
          decodeBody(Buffer.concat(chunks), firstHeader(res.headers['content-encoding']), MAX_UPSTREAM_BODY).then((body) => settle(Buffer.isBuffer(body)
            ? { ok: true, status, body, contentType: firstHeader(res.headers['content-type']), requestId: firstHeader(res.headers['x-request-id']) }
            : { ok: false, ...body }))
        })
      })
      req.end()
    })
  }

  return { origin, showUserAccessStages, close: () => agent.destroy() }
}
