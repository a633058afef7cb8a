import type { FastifyPluginAsync } from 'fastify'

export const openapiRoute: FastifyPluginAsync = async (app) => {
  app.get('/_emulator/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
