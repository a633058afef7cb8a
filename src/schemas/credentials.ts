import { Type, type Static } from '@sinclair/typebox'

// Offsets are required so an expiry means the same instant on every machine that reads the file.
const ISO_8601 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})$'
export const ExpiresAtSchema = Type.String({ pattern: ISO_8601, description: 'ISO 8601 date-time with a zone, e.g. 2030-01-01T00:00:00Z.' })

// Values that travel in headers: visible ASCII, so nothing a header parser would trim or reject.
const HEADER_VALUE = '^[\\x21-\\x7E]+$'

export const AkskCredentialSchema = Type.Object({
  // The AK sits in `Access=AK,` of the Authorization header, so it cannot hold a comma.
  ak: Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x2B\\x2D-\\x7E]+$', description: 'Access key ID.' }),
  sk: Type.String({ minLength: 1, maxLength: 1024, description: 'Secret access key (the HMAC key, as UTF-8).' }),
  security_token: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, pattern: HEADER_VALUE, description: 'At most 8 KiB so a request carrying it fits the 16 KiB header limit. Makes the pair temporary: requests must send and sign it as X-Security-Token.' })),
  expires_at: Type.Optional(ExpiresAtSchema)
}, { title: 'AkskCredential', additionalProperties: false })
export type AkskCredential = Static<typeof AkskCredentialSchema>

export const TokenCredentialSchema = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 8192, pattern: HEADER_VALUE, description: 'Accepted X-Auth-Token value.' }),
  expires_at: Type.Optional(ExpiresAtSchema)
}, { title: 'TokenCredential', additionalProperties: false })
export type TokenCredential = Static<typeof TokenCredentialSchema>

/** The `--credentials` file (or `WKS_EMULATOR_CREDENTIALS`) for `--auth strict`. */
export const CredentialsFileSchema = Type.Object({
  aksk: Type.Optional(Type.Array(AkskCredentialSchema, { maxItems: 10000 })),
  tokens: Type.Optional(Type.Array(TokenCredentialSchema, { maxItems: 10000 }))
}, { title: 'CredentialsFile', additionalProperties: false })
export type CredentialsFile = Static<typeof CredentialsFileSchema>
