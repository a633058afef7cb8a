import { Type, type Static } from '@sinclair/typebox'

/** Options of `wks-emulator generate`; the same seed and options always give the same records. */
export const GenerateOptionsSchema = Type.Object({
  count: Type.Integer({ minimum: 0, maximum: 100_000_000, default: 1000, description: 'Records to generate.' }),
  projects: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1, description: 'Projects the records are dealt out to, in turn.' }),
  seed: Type.Integer({ minimum: 0, maximum: 4294967295, default: 0, description: 'Seed: the same seed gives the same records on every run.' }),
  out: Type.Optional(Type.String({ minLength: 1, description: 'Write a fixtures file ({"transactions": [...]}) that --fixtures loads; - writes to standard output.' })),
  db: Type.Optional(Type.String({ minLength: 1, description: 'Upsert into a SQLite file (created if missing) that --db serves.' }))
}, { additionalProperties: false })
export type GenerateOptions = Static<typeof GenerateOptionsSchema>
