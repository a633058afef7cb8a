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

// A lone surrogate (`"\ud800"` in JSON) is a JS string but no Unicode text: SQLite and every UTF-8
// writer turn it into U+FFFD, so a key stored with one can never be fetched again and a value reads
// back changed. In `u` mode a well-formed pair is one code point, so \p{Cs} finds only lone halves.
const LONE_SURROGATE = /\p{Cs}/u
/** Whether a value (a string, or any string inside an array or object, keys included) is well-formed Unicode. */
export function isWellFormed (value: unknown): boolean {
  if (typeof value === 'string') return !LONE_SURROGATE.test(value)
  if (value === null || typeof value !== 'object') return true
  if (Array.isArray(value)) return value.every(isWellFormed)
  for (const key in value) if (!isWellFormed(key) || !isWellFormed((value as Record<string, unknown>)[key])) return false
  return true
}
for (const ajv of [strict, reporting, coercing]) {
  ajv.addKeyword({ keyword: 'wellFormed', type: 'string', schemaType: 'boolean', errors: false, validate: (on: boolean, data: string) => !on || !LONE_SURROGATE.test(data) })
}

/**
 * Every string any schema admits must be well-formed Unicode: the keyword is added here, to each
 * string schema of whatever is compiled, rather than written beside every Type.String.
 */
function withWellFormedStrings (schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withWellFormedStrings)
  if (schema === null || typeof schema !== 'object') return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'default' || key === 'const' || key === 'enum' || key === 'examples' ? value : withWellFormedStrings(value)
  const type = out.type
  if (type === 'string' || (Array.isArray(type) && type.includes('string'))) out.wellFormed = true
  return out
}

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
  return compileOnFirstUse(() => (httpPart === 'body' ? strict : coercing).compile(withWellFormedStrings(schema) as object))
}

export function compileStrict<T> (schema: TSchema): ValidateFunction<T> {
  return compileOnFirstUse(() => strict.compile<T>(withWellFormedStrings(schema) as object))
}

/** A validator that reports every error of the data (Ajv allErrors), each with the offending value. */
export function compileAllErrors<T> (schema: TSchema): ValidateFunction<T> {
  return compileOnFirstUse(() => reporting.compile<T>(withWellFormedStrings(schema) as object))
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
    // Value.Check knows no `wellFormed`: a lone surrogate goes on to Ajv, whose error names the field.
    if (Value.Check(schema, data) && isWellFormed(data)) return true
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
    case 'wellFormed': return 'must be well-formed Unicode (it holds a lone surrogate)'
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
