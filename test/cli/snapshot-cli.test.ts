import t from 'tap'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli, startCli } from './run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'wks-snapshot-cli-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const path = (name: string): string => join(dir, name)

t.test('export, import into another database, export again: the same bytes; per project too', async (t) => {
  t.equal((await runCli(['generate', '--count', '300', '--projects', '3', '--seed', '7', '--db', path('a.sqlite')])).code, 0)
  const exported = await runCli(['export', '--db', path('a.sqlite'), '--out', path('a.json')])
  t.same(exported, { code: 0, stdout: `exported 300 records and 0 fault rules from database ${path('a.sqlite')} to ${path('a.json')}\n`, stderr: '' })
  const imported = await runCli(['import', path('a.json'), '--db', path('b.sqlite')])
  t.same(imported, { code: 0, stdout: `imported 300 records and 0 fault rules into database ${path('b.sqlite')}\n`, stderr: '' })
  const again = await runCli(['export', '--db', path('b.sqlite')])
  t.equal(again.code, 0)
  t.equal(again.stdout, readFileSync(path('a.json'), 'utf8'), 'stdout carries the document, byte for byte')
  t.equal(again.stderr, `exported 300 records and 0 fault rules from database ${path('b.sqlite')}\n`)

  const doc = JSON.parse(again.stdout) as { transactions: Array<{ project_id: string }> }
  const project = doc.transactions[0].project_id
  const one = await runCli(['export', '--db', path('b.sqlite'), `--project-id=${project}`])
  const projectDoc = JSON.parse(one.stdout) as { project_id: string, transactions: unknown[] }
  t.equal(projectDoc.project_id, project)
  t.same(projectDoc.transactions, doc.transactions.filter((r) => r.project_id === project))
  writeFileSync(path('p.json'), one.stdout)
  t.equal((await runCli(['import', path('p.json'), '--db', path('c.sqlite'), '--project-id', project])).code, 0)
  t.equal((await runCli(['export', '--db', path('c.sqlite'), '--project-id', project])).stdout, one.stdout)
})

t.test('a bad document or argument is one line, exit 2, and the database is as it was', async (t) => {
  const before = (await runCli(['export', '--db', path('b.sqlite')])).stdout
  writeFileSync(path('bad.json'), JSON.stringify({ version: 1, faults: [], transactions: [{ project_id: 'p', transaction_id: 't', stages: [{ duration: -1 }] }] }))
  writeFileSync(path('broken.json'), '{"version":')
  const cases: Array<[string[], string]> = [
    [['import', path('bad.json'), '--db', path('b.sqlite')], `import: document ${path('bad.json')}: field transactions[0].stages[0].duration must be >= 0`],
    [['import', path('broken.json'), '--db', path('b.sqlite')], `import: document ${path('broken.json')}: not valid JSON`],
    [['import', path('missing.json'), '--db', path('b.sqlite')], `import: document ${path('missing.json')}: cannot be read (ENOENT)`],
    [['import', '--db', path('b.sqlite')], 'import: give exactly one document file'],
    [['export', '--db', path('none.sqlite')], `export: database ${path('none.sqlite')}: no such file`],
    [['export'], 'export: --db FILE is required (a database file)'],
    [['export', '--db', path('b.sqlite'), '--format', 'x'], 'export: unknown argument "--format" (see export --help)']
  ]
  for (const [args, line] of cases) t.same(await runCli(args), { code: 2, stdout: '', stderr: `wks-emulator: ${line}\n` }, args.join(' '))
  t.equal((await runCli(['export', '--db', path('b.sqlite')])).stdout, before)
})

t.test('a database an emulator serves is refused, untouched', async (t) => {
  const server = await startCli(t, ['--db', path('b.sqlite'), '--no-fixtures'])
  const line = `database ${path('b.sqlite')} is already served by another wks-emulator; one emulator per file (--workers N serves one file from several processes)`
  t.same(await runCli(['export', '--db', path('b.sqlite')]), { code: 2, stdout: '', stderr: `wks-emulator: ${line}\n` })
  t.same(await runCli(['import', path('a.json'), '--db', path('b.sqlite')]), { code: 2, stdout: '', stderr: `wks-emulator: ${line}\n` })
  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0)
})
