import type { FastifyInstance, FastifyRequest } from 'fastify'
import { errors } from '../errors.js'

/** The charset parameter of a Content-Type (RFC 9110 §8.3.2), lower-cased; undefined when absent. */
export function charsetOf (contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? '')
  return match === null ? undefined : (match[1] ?? match[2]).toLowerCase()
}

/**
 * The text of a body, decoded as declared: UTF-8 when no charset is given (RFC 8259 §8.1), else
 * the declared charset through the WHATWG decoder every Node ships (TextDecoder, so `iso-8859-1`
 * reads as windows-1252, as browsers do). A charset it does not know is a 415; bytes that are not
 * valid in the charset are a 400. Nothing is ever replaced by U+FFFD: what is accepted is what
 * was sent, and it reads back the same.
 */
export function decodeBody (body: Buffer, contentType: string | undefined): string {
  const charset = charsetOf(contentType) ?? 'utf-8'
  let decoder: TextDecoder
  try {
    decoder = new TextDecoder(charset, { fatal: true })
  } catch {
    throw errors.unsupportedCharset(charset)
  }
  try {
    return decoder.decode(body)
  } catch {
    throw errors.invalidBody(`not valid ${decoder.encoding}`)
  }
}

/**
 * Bodies are read as sent, so one in a content coding (RFC 9110 §8.4) is refused with a 415 naming
 * it: decoded as text, a gzip body was refused as bad UTF-8, and an uncompressed one labelled gzip
 * was stored as if the label were not there.
 */
function refuseContentCoding (header: string | undefined): void {
  const coding = header?.trim().toLowerCase() ?? ''
  if (coding !== '' && coding !== 'identity') throw errors.unsupportedContentEncoding(coding)
}

/**
 * A route without a body schema takes no body: `POST /_emulator/reset` with `{"project_id": …}`
 * would otherwise reset every project while the caller meant one.
 */
const takesBody = (request: FastifyRequest): boolean => request.routeOptions.schema?.body !== undefined
const noBodyTaken = () => errors.invalidBody('this route takes no body; its parameters go in the query string')

/**
 * Whether a JSON text is an empty object (`{}`, spaces allowed): what `requests.post(url, json={})`,
 * axios and many test helpers send on every POST. It carries no parameter, so it is no body; an
 * object with any key, or any other value, still is one.
 */
const EMPTY_OBJECT = /^[ \t\r\n]*\{[ \t\r\n]*\}[ \t\r\n]*$/

/**
 * Control-plane bodies: JSON, decoded as declared, then parsed by Fastify's own
 * (prototype-poisoning-safe) JSON parser. No bytes is no body, whatever Content-Type says: client
 * libraries and `curl -d ''` send one on every POST, and a reset or a delete must not be refused
 * for it; nor an empty JSON object (`{}`), which carries no parameter. Any other body on a route
 * that takes none says so, in any type; any other type is a 415.
 */
export function installJsonBodies (app: FastifyInstance): void {
  // Every control-plane body is JSON: a text/plain one is refused by its type (415), not read as a string.
  app.removeContentTypeParser('text/plain')
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer
    if (bytes.length === 0) { done(null, undefined); return }
    let text: string
    try {
      refuseContentCoding(request.headers['content-encoding'])
      text = decodeBody(bytes, request.headers['content-type'])
    } catch (err) {
      done(takesBody(request) ? err as Error : noBodyTaken(), undefined)
      return
    }
    if (takesBody(request)) parseJson(request, text, done)
    else done(EMPTY_OBJECT.test(text) ? null : noBodyTaken(), undefined)
  })
  // Any other type, or none, is decided on the headers alone: refused bodies are never read.
  // Neither Content-Length nor Transfer-Encoding is no body too (RFC 9112 §6.3).
  app.addContentTypeParser('*', (request, _payload, done) => {
    const { 'content-length': length, 'transfer-encoding': encoding } = request.headers
    if (length === '0' || (length === undefined && encoding === undefined)) { done(null, undefined); return }
    done(takesBody(request) ? errors.unsupportedMediaType() : noBodyTaken(), undefined)
  })
}
