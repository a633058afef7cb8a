import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox'

/**
 * A plain `{type: string, enum: [...]}` schema typed as the union of its values. TypeBox's own
 * Union of Literals compiles to `anyOf`, whose validation errors and OpenAPI output are noisier.
 */
export function stringEnum<const T extends readonly string[]> (values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] })
}
