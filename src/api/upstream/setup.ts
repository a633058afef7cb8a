import type { FastifyBaseLogger } from 'fastify'
import { loadCredentials } from '../../config/credentials.js'
import type { Config } from '../../config/schema.js'
import type { UpstreamResultName } from '../../schemas/upstream.js'
import { createUpstreamClient } from './client.js'
import type { DriftDetector } from './drift.js'
import { createForwarder, type Forward, type RecordBody } from './forward.js'
import { upstreamAuthOf, type UpstreamAuth } from './sign.js'

/** The upstream credentials, read with the files at start-up so a bad one stops it with nothing open. */
export function loadUpstreamAuth (config: Config): UpstreamAuth | undefined {
  if (config.unknownTransaction !== 'proxy' || config.upstreamCredentials === undefined) return undefined
  return upstreamAuthOf(loadCredentials({ credentials: config.upstreamCredentials }))
}

export interface ForwardingOptions {
  auth: UpstreamAuth | undefined
  drift: DriftDetector
  recordBody: RecordBody
  count: (result: UpstreamResultName) => void
  log: FastifyBaseLogger
}

/** The forwarding step of `--unknown-transaction proxy`, or undefined in the other modes. */
export function createForwarding (config: Config, { auth, drift, recordBody, count, log }: ForwardingOptions): { forward: Forward, close: () => void } | undefined {
  if (config.unknownTransaction !== 'proxy' || config.upstream === undefined) return undefined
  const client = createUpstreamClient({ url: config.upstream, auth, timeoutMs: config.upstreamTimeout })
  // The scheme and AK say which credentials are in use; the secret, token and signature never appear.
  log.info({ upstream: client.origin, auth: auth === undefined ? 'none' : auth.scheme === 'aksk' ? { scheme: 'aksk', ak: auth.ak } : { scheme: 'token' }, record: config.record }, 'forwarding unknown transactions upstream')
  const forward = createForwarder({ client, drift, record: config.record ? recordBody : undefined, count })
  return { forward, close: client.close }
}
