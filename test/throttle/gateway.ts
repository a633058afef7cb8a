import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { signRequest } from '../../src/runtime/wire/aksk-signature.js'
import type { Config } from '../../src/config/config.js'
import { build, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'

/** A fixed instant a second past a minute boundary, so every window starts at a known time. */
export const HOST_NOW = Date.UTC(2026, 10, 29, 12, 0, 0)
export const DOC = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)
export const CREDENTIALS = {
  aksk: [{ ak: 'AK1', sk: 'sk-one' }, { ak: 'AK2', sk: 'sk-two' }],
  tokens: [{ token: 'token-one', expires_at: new Date(HOST_NOW + 3600_000).toISOString() }]
}
const SK: Record<string, string> = { AK1: 'sk-one', AK2: 'sk-two' }

export const sdkDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '')

export interface Gateway {
  app: FastifyInstance
  base: string
  /** A GET signed by `ak` with an X-Sdk-Date of the host's (frozen) clock. */
  call: (ak: string, target?: string, headers?: Record<string, string>) => Promise<Response>
  control: (method: string, path: string, body?: unknown) => Promise<Response>
}

/**
 * A strict emulator on a real port whose host clock stands still at HOST_NOW: only the control
 * plane's clock offset moves time, so windows open and close exactly when a test says.
 */
export async function startGateway (t: Test, config: Partial<Config> = {}, hostNow = HOST_NOW): Promise<Gateway> {
  const app = await build(t, { auth: 'strict', credentialsJson: JSON.stringify(CREDENTIALS), ...config }, { hostClock: () => hostNow })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const host = `127.0.0.1:${(app.server.address() as { port: number }).port}`
  const base = `http://${host}`
  return {
    app,
    base,
    call: async (ak, target = DOC, extra = {}) => {
      const headers: Record<string, string> = { host, 'x-sdk-date': sdkDate(hostNow) }
      headers.authorization = signRequest({ method: 'GET', url: target, headers }, ak, SK[ak], ['host', 'x-sdk-date'])
      return await fetch(base + target, { headers: { ...headers, ...extra } })
    },
    control: async (method, path, body) => await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
  }
}
