import { connect } from 'node:net'
import { connect as connectTls } from 'node:tls'

/** One HTTP response as read off the wire, headers lower-cased. */
export interface RawResponse {
  status: number
  headers: Record<string, string>
  /** Header names in the order and case they were sent, duplicates kept. */
  headerLines: string[]
  body: Buffer
}

export interface RawExchange {
  responses: RawResponse[]
  /** Bytes after the last complete response (a cut-short body, or garbage). */
  rest: Buffer
  /** The server closed the connection (as opposed to our timeout ending it). */
  closed: boolean
  timedOut: boolean
  error?: string
}

export interface RawOptions {
  timeoutMs?: number
  /** Half-close after writing, so a server waiting for more bytes sees the end of the request. */
  end?: boolean
  /** Methods of the requests sent, in order: a HEAD response has no body whatever its headers say. */
  methods?: string[]
  /** The address to connect to (default 127.0.0.1). */
  host?: string
  /** Speak TLS, trusting this PEM certificate (the server's name is taken to be localhost). */
  ca?: string
}

/**
 * Writes bytes on a fresh TCP (or TLS) connection and reads until the server closes it (or the timeout).
 * No HTTP client sits in between, so anything can be sent: invalid header bytes, raw paths,
 * pipelined or truncated requests.
 */
export function rawExchange (port: number, bytes: Buffer | string, options: RawOptions = {}): Promise<RawExchange> {
  const { timeoutMs = 5000, end = true, methods = [], host = '127.0.0.1', ca } = options
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let error: string | undefined
    let timedOut = false
    const send = (): void => {
      socket.write(bytes)
      if (end) socket.end()
    }
    const socket = ca === undefined ? connect(port, host, send) : connectTls({ port, host, servername: 'localhost', ca }, send)
    const timer = setTimeout(() => { timedOut = true; socket.destroy() }, timeoutMs)
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('error', (err: NodeJS.ErrnoException) => { error = err.code ?? err.message })
    socket.on('close', () => {
      clearTimeout(timer)
      const { responses, rest } = parseResponses(Buffer.concat(chunks), methods)
      resolve({ responses, rest, closed: !timedOut, timedOut, error })
    })
  })
}

const CRLFCRLF = Buffer.from('\r\n\r\n')

/** Splits a byte stream into HTTP/1.1 responses (Content-Length, chunked, or until close). */
export function parseResponses (data: Buffer, methods: string[] = []): { responses: RawResponse[], rest: Buffer } {
  const responses: RawResponse[] = []
  let at = 0
  let request = 0
  while (at < data.length) {
    const headEnd = data.indexOf(CRLFCRLF, at)
    if (headEnd === -1) break
    const lines = data.subarray(at, headEnd).toString('latin1').split('\r\n')
    const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0])
    if (!statusLine) break
    const status = Number(statusLine[1])
    const headers: Record<string, string> = {}
    const headerLines = lines.slice(1)
    for (const line of headerLines) {
      const colon = line.indexOf(':')
      const name = line.slice(0, colon).toLowerCase()
      const value = line.slice(colon + 1).trim()
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value
    }
    let bodyStart = headEnd + 4
    // Interim responses (100 Continue) precede the real one and answer no request of their own.
    if (status >= 100 && status < 200) { at = bodyStart; continue }
    const noBody = methods[request] === 'HEAD' || status === 204 || status === 304
    let body: Buffer
    if (noBody) {
      body = Buffer.alloc(0)
    } else if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = []
      let complete = false
      while (bodyStart < data.length) {
        const lineEnd = data.indexOf('\r\n', bodyStart)
        if (lineEnd === -1) break
        const size = parseInt(data.subarray(bodyStart, lineEnd).toString('latin1'), 16)
        if (Number.isNaN(size)) break
        if (size === 0) { bodyStart = lineEnd + 4; complete = true; break }
        parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size))
        bodyStart = lineEnd + 2 + size + 2
      }
      if (!complete) break
      body = Buffer.concat(parts)
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length'])
      if (data.length < bodyStart + length) break
      body = data.subarray(bodyStart, bodyStart + length)
      bodyStart += length
    } else {
      body = data.subarray(bodyStart)
      bodyStart = data.length
    }
    responses.push({ status, headers, headerLines, body })
    at = bodyStart
    request++
  }
  return { responses, rest: data.subarray(at) }
}

/** Serialises a request without any of an HTTP client's checks. */
export function requestBytes (method: string, target: string, headers: Array<[string, string]>, body?: Buffer | string): Buffer {
  const head = `${method} ${target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`
  const bodyBytes = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body)
  return Buffer.concat([Buffer.from(head, 'utf8'), bodyBytes])
}

const ID = /[0-9a-f]{32}/g

/**
 * What two servers' answers to the same bytes must share: everything but request ids and the
 * Date header. A missing response (the connection closed unanswered) is undefined.
 */
export function comparableResponse (res: RawResponse | undefined): unknown {
  if (res === undefined) return undefined
  return {
    status: res.status,
    headerLines: res.headerLines.filter((l) => !/^date:/i.test(l)).map((l) => l.replace(ID, '<id>')),
    body: res.body.toString('utf8').replace(ID, '<id>')
  }
}
