import type { DestinationStream, LoggerOptions } from 'pino'
import type { FastifyRequest } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import type { Config } from '../../config/schema.js'
import { SECRET_HEADERS } from '../wire/http.js'

const SECRET = new Set(SECRET_HEADERS)

/**
 * The headers as logged, secret values replaced. Done here rather than with pino's `redact`
 * paths, which copy and restore the logged object on every line and were most of a request line's cost.
 */
function loggedHeaders (headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const name in headers) out[name] = SECRET.has(name) ? '[redacted]' : headers[name]
  return out
}

/** pino's options; `stream` is where lines go, a terminal (pretty lines through pino-pretty) when absent. */
export function loggerOptions (config: Config, stream?: DestinationStream): LoggerOptions & { stream?: DestinationStream } {
  const options: LoggerOptions & { stream?: DestinationStream } = {
    level: config.logLevel,
    serializers: {
      // A FastifyRequest, or the same four fields from the fast path.
      req: (req: Pick<FastifyRequest, 'method' | 'url' | 'headers' | 'ip'>) => ({ method: req.method, url: req.url, headers: loggedHeaders(req.headers), remoteAddress: req.ip })
    }
  }
  if (stream) options.stream = stream
  // Pretty lines for a person at a terminal (the caller passes JSON lines' stream otherwise).
  else if (config.logLevel !== 'silent') options.transport = { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } }
  return options
}

/** Whether each request gets a log line: at info and below. */
export const requestsLogged = (level: Config['logLevel']): boolean => ['info', 'debug', 'trace'].includes(level)
