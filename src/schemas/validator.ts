import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import type { TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

// Bodies are validated without coercion or stripping, so a wrong type or an unknown field is an error
// (as the real API treats it) rather than silently fixed. URL parts are strings on the wire, so they
// may be coerced to numbers, but never from an array: a repeated parameter stays an error.
// validateSchema: false skips checking each schema against the JSON Schema meta-schema, whose own
// compilation was a large part of start-up; the schemas are TypeBox's output, valid by construction.
const strict = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false, verbose: true, validateSchema: false })
// Every problem of a document rather than the first: for reports (upstream drift), never for gatekeeping.
const reporting = new Ajv({ coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: true, strict: false, verbose: true, validateSchema: false })
const coercing = new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false, strict: false, verbose: true, validateSchema: false })

/**
 * A validator that compiles its schema the first time it runs. Compiling every route's and every
 * file format's schema up front was most of the start-up time; most runs use a few of them.
 * Only what callers read is mirrored: the result and `errors`.
 */
function compileOnFirstUse<T> (compile: () => ValidateFunction<T>): ValidateFunction<T> {
  let compiled: ValidateFunction<T> | undefined
  const validate = ((data: unknown): data is T => {
    compiled ??= compile()
    const valid = compiled(data)
    validate.errors = compiled.errors
    return valid
  }) as ValidateFunction<T>
  return validate
}

/** Fastify validatorCompiler: strict for bodies, coercing for params, querystring and headers. */
export function validatorCompiler ({ schema, httpPart }: { schema: object, httpPart?: string }): ValidateFunction {
  return compileOnFirstUse(() => (httpPart === 'body' ? strict : coercing).compile(schema))
}

export function compileStrict<T> (schema: TSchema): ValidateFunction<T> {
  return compileOnFirstUse(() => strict.compile<T>(schema))
}

/** A validator that reports every error of the data (Ajv allErrors), each with the offending value. */
export function compileAllErrors<T> (schema: TSchema): ValidateFunction<T> {
  return compileOnFirstUse(() => reporting.compile<T>(schema))
}

/**
 * For files read once at start-up (fixtures, credentials, fault rules): TypeBox's Value checks
 * the data by reading the schema, and only invalid data pays for compiling the Ajv validator
 * whose errors name the field. A valid fixtures file is the common case, and compiling the record
 * schema was the largest part of the time to the first response. Only for schemas without
 * defaults: Value.Check fills none in.
 */
export function checkOnStartup<T> (schema: TSchema): ValidateFunction<T> {
  const withErrors = compileStrict<T>(schema)
  const validate = ((data: unknown): data is T => {
    validate.errors = null
    if (Value.Check(schema, data)) return true
    const valid = withErrors(data)
    validate.errors = withErrors.errors
    return valid
  }) as ValidateFunction<T>
  return validate
}

/** Dotted path of the offending field: `stages[0].duration`. */
export function fieldOf (error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  const extra = error.params.missingProperty ?? error.params.additionalProperty
  if (extra !== undefined) parts.push(String(extra))
  return parts.reduce((path, p) => /^\d+$/.test(p) ? `${path}[${p}]` : path ? `${path}.${p}` : p, '')
}

/** The rule an input broke, in words a user can act on. */
export function ruleOf (error: ErrorObject): string {
  const p = error.params
  switch (error.keyword) {
    case 'required': return 'is required'
    case 'additionalProperties': return 'is not an allowed field'
    case 'type': return `must be ${p.type}`
    case 'minLength': return p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters`
    case 'maxLength': return `must be at most ${p.limit} characters`
    case 'pattern': return `must match ${p.pattern}`
    case 'enum': return `must be one of ${(p.allowedValues as unknown[]).join(', ')}`
    case 'minimum': return `must be >= ${p.limit}`
    case 'maximum': return `must be <= ${p.limit}`
    case 'maxItems': return `must have at most ${p.limit} items`
    case 'minItems': return `must have at least ${p.limit} items`
    default: return error.message ?? 'is invalid'
  }
}

interface TaggedBranch { properties?: Record<string, { const?: unknown }> }

/**
 * The error to report of those a validation produced: the first, unless a union of objects told
 * apart by a literal field (a latency's `distribution`) failed. Ajv then lists a failure of every
 * branch first, so the first names a field of a branch the data never chose ("latency.ms is
 * required" for `"distribution": "gauss"`); the tag's own error, or the chosen branch's, is reported.
 */
export function reportedError (errors: readonly ErrorObject[]): ErrorObject {
  for (const union of errors) {
    if (union.keyword !== 'anyOf' || !Array.isArray(union.schema)) continue
    const branches = union.schema as TaggedBranch[]
    const tag = Object.keys(branches[0]?.properties ?? {}).find((name) => branches.every((b) => b.properties?.[name]?.const !== undefined))
    const data = union.data as Record<string, unknown> | null
    if (tag === undefined || typeof data !== 'object' || data === null || Array.isArray(data)) continue
    if (!Object.hasOwn(data, tag)) return { ...union, keyword: 'required', params: { missingProperty: tag } }
    const chosen = branches.findIndex((b) => b.properties![tag].const === data[tag])
    if (chosen === -1) return { ...union, keyword: 'enum', instancePath: `${union.instancePath}/${tag}`, params: { allowedValues: branches.map((b) => b.properties![tag].const) } }
    return errors.find((e) => e.schemaPath.startsWith(`${union.schemaPath}/${chosen}/`)) ?? union
  }
  return errors[0]
}
