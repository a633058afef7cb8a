import { Type, type Static } from '@sinclair/typebox'

export const ErrorBodySchema = Type.Object({
  error_code: Type.String({ description: 'Error code, e.g. WKS.0001 or APIGW.0301.' }),
  error_msg: Type.String({ description: 'Error message.' }),
  request_id: Type.Optional(Type.String({ pattern: '^[0-9a-f]{32}$', description: 'Present on gateway (APIGW.*) errors; equals X-Request-Id.' }))
}, { title: 'ErrorBody', additionalProperties: false })
export type ErrorBody = Static<typeof ErrorBodySchema>
