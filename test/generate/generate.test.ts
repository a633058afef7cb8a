import t from 'tap'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateRecords, projectIdOf } from '../../src/cli/generate/records.js'
import { writeDb, writeJson } from '../../src/cli/generate/write.js'
import { TransactionRecordSchema, type TransactionRecord } from '../../src/schemas/access-stages.js'
import { compileStrict } from '../../src/schemas/validator.js'
import { openDb } from '../../src/store/db.js'
import { loadFixtures } from '../../src/store/fixtures.js'
import { bodyOf } from '../../src/store/record-body.js'
import { createTransactionStore } from '../../src/store/transactions.js'
import { runCli } from '../cli/run-cli.js'

const checkRecord = compileStrict<TransactionRecord>(TransactionRecordSchema)
const spec = { count: 3000, projects: 7, seed: 42 }
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

t.test('the same seed gives the same records; another seed, others', async (t) => {
  const first = [...generateRecords(spec)]
  t.same([...generateRecords(spec)], first)
  const other = [...generateRecords({ ...spec, seed: 43 })]
  t.not(JSON.stringify(other), JSON.stringify(first))
  t.equal(first.length, spec.count)
})

t.test('every record passes the schema the control plane and fixtures use', async (t) => {
  const bad = [...generateRecords(spec)].filter((r) => !checkRecord(r))
  t.same(bad, [])
})

t.test('records look like sessions', async (t) => {
  const records = [...generateRecords(spec)]
  t.equal(new Set(records.map((r) => r.project_id)).size, spec.projects, 'dealt out to every project')
  t.ok(records.every((r) => /^[0-9a-f]{32}$/.test(r.project_id)), 'project ids in the service\'s form')
  t.ok(records.every((r) => UUID_V7.test(r.transaction_id)), 'transaction ids are UUID v7')
  t.equal(new Set(records.map((r) => `${r.project_id}/${r.transaction_id}`)).size, records.length, 'keys are unique')
  const failed = records.filter((r) => r.stages!.some((s) => !s.is_success))
  t.ok(failed.length > records.length * 0.05 && failed.length < records.length * 0.25, `some sessions fail (${failed.length})`)
  t.ok(failed.every((r) => r.stages!.at(-1)!.error_code !== 'WKS.00000000'), 'a failed session stops at the failing phase')
  t.ok(records.every((r) => r.stages!.every((s) => s.end_time === s.start_time! + s.duration!)), 'end = start + duration')
  t.ok(records.every((r) => r.stages!.every((s, i, all) => i === 0 || s.start_time! > all[i - 1].end_time!)), 'phases follow one another')
  t.ok(records.every((r) => !r.stages!.at(-1)!.is_success || r.stages!.at(-1)!.stage === 'CONNECT'), 'a session that succeeds ends connected')
})

t.test('a --out file loads as fixtures; a --db file serves the same bodies', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-generate-'))
  const small = { count: 250, projects: 3, seed: 9 }
  const expected = [...generateRecords(small)]

  const file = join(dir, 'fixtures.json')
  t.equal(writeJson(file, generateRecords(small)), small.count)
  t.same(loadFixtures(file), expected)

  const dbFile = join(dir, 'data.sqlite')
  const progress: number[] = []
  t.equal(writeDb(dbFile, generateRecords(small), (done) => progress.push(done)), small.count)
  t.equal(progress.at(-1), small.count, 'progress reaches the total')
  const db = openDb(dbFile)
  t.teardown(() => db.close())
  const store = createTransactionStore(db)
  t.equal(store.count(), small.count)
  for (const record of expected.slice(0, 20)) t.equal(store.getBody(record.project_id, record.transaction_id), bodyOf(record))
  t.equal(store.count(projectIdOf(small.seed, 0)), Math.ceil(small.count / small.projects))
})

t.test('the CLI subcommand: output, help and mistakes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-generate-cli-'))
  const file = join(dir, 'out.json')
  const run = await runCli(['generate', '--count', '40', '--projects', '2', '--seed', '5', '--out', file])
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /^generated 40 records in 2 project\(s\), seed 5, into fixtures file .* in [\d.]+ s\n$/)
  t.same(loadFixtures(file), [...generateRecords({ count: 40, projects: 2, seed: 5 })])
  t.equal(JSON.parse(readFileSync(file, 'utf8')).transactions.length, 40)

  const help = await runCli(['generate', '--help'])
  t.equal(help.code, 0)
  for (const flag of ['--count', '--projects', '--seed', '--out', '--db']) t.match(help.stdout, flag)
  t.match((await runCli(['--help'])).stdout, /generate --count N/, 'the main --help points to it')

  const neither = await runCli(['generate', '--count', '5'])
  t.equal(neither.code, 2)
  t.equal(neither.stderr, 'wks-emulator: generate: give exactly one of --out FILE.json or --db FILE.sqlite\n')
  const badCount = await runCli(['generate', '--count', 'many', '--out', file])
  t.equal(badCount.code, 2)
  t.equal(badCount.stderr, 'wks-emulator: generate: invalid --count "many": expected an integer from 0 to 100000000\n')
  const unknown = await runCli(['generate', '--rows', '5', '--out', file])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /^wks-emulator: generate: unknown argument "--rows" \(see generate --help\)\n$/)
})
