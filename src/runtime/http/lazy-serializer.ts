import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'

type Factory = ReturnType<typeof SerializerSelector>

const fastifyDefault: Factory = SerializerSelector()

/**
 * Fastify's own response serializers, each compiled the first time its route and status answer.
 * Compiling them all at start-up (a dozen control-plane routes, several statuses each) was a good
 * part of the time to first response; a run usually sends a few of them.
 */
export const compileSerializersOnFirstUse: Factory = (externalSchemas, options) => {
  const compile = fastifyDefault(externalSchemas, options)
  return (route) => {
    let serialize: ((doc: unknown) => string) | undefined
    return (doc) => (serialize ??= compile(route))(doc)
  }
}
