import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'
import type { Bindings, ChildLoggerOptions, Logger } from 'pino'

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
type Log = (...args: unknown[]) => void

/**
 * The logger of one request, made the first time the request logs at an enabled level. pino's
 * child() copies the parent and serialises the request id on every request; at `warn`, where a
 * request logs nothing unless it fails, that was a good share of the per-request cost.
 */
class RequestLogger {
  private made: FastifyBaseLogger | undefined

  constructor (private readonly parent: Logger, private readonly bindings: Bindings, private readonly options: ChildLoggerOptions) {}

  private get real (): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings, this.options)
    return this.made
  }

  private write (level: Level, args: unknown[]): void {
    if (this.parent.isLevelEnabled(level)) (this.real[level] as Log)(...args)
  }

  get level (): string { return this.made?.level ?? this.parent.level }
  set level (level: string) { this.real.level = level }
  fatal (...args: unknown[]): void { this.write('fatal', args) }
  error (...args: unknown[]): void { this.write('error', args) }
  warn (...args: unknown[]): void { this.write('warn', args) }
  info (...args: unknown[]): void { this.write('info', args) }
  debug (...args: unknown[]): void { this.write('debug', args) }
  trace (...args: unknown[]): void { this.write('trace', args) }
  silent (): void {}
  child (bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger { return this.real.child(bindings, options) }
}

/** Fastify `childLoggerFactory`: a RequestLogger, unless the route sets its own level or serializers. */
export const requestLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (logger, bindings, options) => {
  const parent = logger as unknown as Logger
  if (options.level !== undefined || options.serializers !== undefined || typeof parent.isLevelEnabled !== 'function') {
    return logger.child(bindings, options)
  }
  return new RequestLogger(parent, bindings, options) as unknown as FastifyBaseLogger
}
