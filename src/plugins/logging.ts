import type { DestinationStream, LoggerOptions } from 'pino'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'

/** Headers that carry secrets; their values never reach a log line. */
export const REDACTED_HEADERS = ['authorization', 'x-auth-token', 'x-security-token', 'cookie']

export function loggerOptions (config: Config, stream?: DestinationStream): LoggerOptions & { stream?: DestinationStream } {
  const options: LoggerOptions & { stream?: DestinationStream } = {
    level: config.logLevel,
    redact: { paths: REDACTED_HEADERS.map((h) => `req.headers["${h}"]`), censor: '[redacted]' },
    serializers: {
      req: (req: FastifyRequest) => ({ method: req.method, url: req.url, headers: req.headers, remoteAddress: req.ip })
    }
  }
  if (stream) options.stream = stream
  // Pretty lines for a person at a terminal; JSON lines for everything else (CI, Docker, files).
  else if (process.stdout.isTTY) options.transport = { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } }
  return options
}

/** One line per request, written when the response is done (Fastify's own two lines are turned off). */
export function installRequestLog (app: FastifyInstance, level: Config['logLevel']): void {
  // Below info the hook is not added at all, so a quiet emulator pays nothing per request for it.
  if (!['info', 'debug', 'trace'].includes(level)) return
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info({ req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request')
    done()
  })
}
