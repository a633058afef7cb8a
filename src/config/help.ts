import type { TSchema } from '@sinclair/typebox'
import { helpRow } from './flags.js'
import { ConfigSchema, FLAGS } from './schema.js'

/** What a flag accepts, for --help: the enum's values or the number's range. */
function acceptedValues (schema: TSchema): string {
  if (Array.isArray(schema.enum)) return ` Values: ${schema.enum.join(', ')}.`
  if (schema.type === 'integer' || schema.type === 'number') return ` Values: ${schema.minimum} to ${schema.maximum}.`
  return ''
}

/** The main verb's --help: every flag beside its variable, from the schema. */
export function helpText (): string {
  // As wide as the longest variable, so every description starts in one column.
  const width = Math.max(...FLAGS.map(({ env }) => env.length))
  const rows = FLAGS.map(({ key, flag, env }) => {
    const schema: TSchema = ConfigSchema.properties[key]
    const def = schema.default === undefined ? '' : ` (default ${key === 'fixtures' ? 'fixtures/' : schema.default})`
    return helpRow([24, width], `--${flag}`, env, `${schema.description}${acceptedValues(schema)}${def}`)
  })
  return [
    'Usage: wks-emulator [flags]',
    '',
    'Emulates GET /v2/{project_id}/statistics/metrics/access-stages (Huawei Cloud Workspace).',
    'Every flag can also be set by the environment variable beside it; a flag wins.',
    '',
    ...rows,
    helpRow([24, width], '--no-fixtures', 'WKS_EMULATOR_NO_FIXTURES=1', 'Start with no seeded data.'),
    helpRow([24, width], '--no-prefer', 'WKS_EMULATOR_PREFER=false', 'Ignore Prefer: code=/delay= headers.'),
    helpRow([24, width], '--no-fast-path', 'WKS_EMULATOR_FAST_PATH=0', 'Send every request through Fastify (for comparing; same answers, slower).'),
    helpRow([24, width], '--record', 'WKS_EMULATOR_RECORD=true', 'With proxy: store every upstream 200 as a run-time change.'),
    helpRow([24, width], '', 'WKS_EMULATOR_CREDENTIALS', 'The credentials JSON itself, instead of a file.'),
    helpRow([24], '--version', 'Print the version.'),
    helpRow([24], '--help', 'Show this text.'),
    '',
    'wks-emulator generate --count N --projects P --seed S (--out FILE.json | --db FILE.sqlite)',
    '  writes realistic records to load with --fixtures or serve with --db; see generate --help.',
    'wks-emulator export --db FILE [--project-id ID] [--out FILE.json]',
    'wks-emulator import FILE.json --db FILE [--project-id ID]',
    '  copy a database\'s state (records, fault rules) to a snapshot document and back, without a server.',
    ''
  ].join('\n')
}
