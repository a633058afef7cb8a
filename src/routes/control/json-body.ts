import type { FastifyInstance } from 'fastify'
import { errors } from '../../errors.js'

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

/** Control-plane JSON bodies: decoded as declared, then parsed by Fastify's own (prototype-poisoning-safe) JSON parser. */
export function installJsonBodies (app: FastifyInstance): void {
  // Every control-plane body is JSON: a text/plain one is refused by its type (415), not read as a string.
  app.removeContentTypeParser('text/plain')
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string
    try {
      text = decodeBody(body as Buffer, request.headers['content-type'])
    } catch (err) {
      done(err as Error, undefined)
      return
    }
    parseJson(request, text, done)
  })
}
