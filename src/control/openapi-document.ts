import swagger, { type SwaggerOptions } from '@fastify/swagger'
import type { FastifyInstance } from 'fastify'
import { VERSION } from '../runtime/version.js'

export const swaggerOptions: SwaggerOptions = {
  openapi: {
    openapi: '3.0.3',
    info: {
      title: 'wks-emulator',
      description: 'Local emulator of the Huawei Cloud Workspace API ShowUserAccessStages, and its control plane (/_emulator).',
      version: VERSION
    },
    servers: [{ url: 'http://127.0.0.1:8080' }],
    tags: [
      { name: 'Workspace', description: 'The emulated Huawei Cloud API.' },
      { name: 'Control plane', description: 'Steer the emulator from tests; never subject to emulated auth or faults.' }
    ],
    components: {
      securitySchemes: {
        token: { type: 'apiKey', in: 'header', name: 'X-Auth-Token', description: 'IAM token.' },
        aksk: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=..., Signature=... with X-Sdk-Date.' },
        admin: { type: 'http', scheme: 'bearer', description: 'Needed by the control plane when --admin-token is set.' }
      }
    }
  }
}

/** Collects every route registered after it (the API's and the control plane's) into the served OpenAPI document. */
export async function installOpenApi (app: FastifyInstance): Promise<void> {
  await app.register(swagger, swaggerOptions)
}
