import { Kind, Type, TypeRegistry, type SchemaOptions, type TUnsafe } from '@sinclair/typebox'

const STRING_ENUM = 'StringEnum'

// So that TypeBox's Value (which checks the config at start-up) knows the kind; Ajv reads only
// `type` and `enum`, and the kind, a symbol, never reaches the OpenAPI document.
if (!TypeRegistry.Has(STRING_ENUM)) {
  TypeRegistry.Set<{ enum: string[] }>(STRING_ENUM, (schema, value) => typeof value === 'string' && schema.enum.includes(value))
}

/**
 * A plain `{type: string, enum: [...]}` schema typed as the union of its values. TypeBox's own
 * Union of Literals compiles to `anyOf`, whose validation errors and OpenAPI output are noisier.
 */
export function stringEnum<const T extends readonly string[]> (values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, [Kind]: STRING_ENUM, type: 'string', enum: [...values] })
}
