import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import type { BuildOptions } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { build } from '../helper.js'

/** The app as the CLI builds it, listening on 127.0.0.1 and a free port, closed when the test ends. */
export async function listening (t: Test, overrides: Partial<Config> = {}, options: BuildOptions = {}): Promise<{ app: FastifyInstance, port: number, url: string }> {
  const app = await build(t, overrides, options)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { app, port, url: `http://127.0.0.1:${port}` }
}
