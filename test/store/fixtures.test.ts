import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadFixtures } from '../../src/store/fixtures.js'
import { BUNDLED_FIXTURES, ConfigError } from '../../src/config/config.js'

function write (content: unknown, name = 'f.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'wks-fx-'))
  const file = join(dir, name)
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

t.test('the bundled fixtures cover every biz_type and stage, successes and failures', async (t) => {
  const records = loadFixtures(BUNDLED_FIXTURES)
  t.ok(records.length >= 12)
  t.ok(new Set(records.map((r) => r.project_id)).size >= 2)
  t.same(new Set(records.map((r) => r.biz_type)), new Set(['APP', 'DESKTOP', 'SHARE_APP', 'VDI']))
  const stages = records.flatMap((r) => r.stages ?? [])
  t.same(new Set(stages.map((s) => s.stage)), new Set(['LOGIN', 'PRECONNECT', 'CONNECT', 'MAIN_AUTH', 'MFA_AUTH', 'CLICK_ICON']))
  t.ok(stages.some((s) => s.stage === 'CONNECT' && s.is_success === false && s.error_code !== 'WKS.00000000'))
  t.ok(stages.some((s) => s.end_time === undefined), 'a stage without end_time')
})

t.test('a file may be a bare array', async (t) => {
  t.same(loadFixtures(write([{ project_id: 'p', transaction_id: 't' }])), [{ project_id: 'p', transaction_id: 't' }])
})

t.test('errors name the file, the record and the field', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    ['{nope', /: not valid JSON/],
    [{ other: [] }, /: expected \{"transactions": \[\.\.\.\]\} or an array of records$/],
    [[{ project_id: 'p' }], /: record 0: field transaction_id is required$/],
    [[{ project_id: 'p', transaction_id: 't', biz_type: 'TV' }], /: record 0 \(transaction_id t\): field biz_type must be one of APP, DESKTOP, SHARE_APP, VDI$/],
    [[{ project_id: 'p', transaction_id: 't', colour: 'red' }], /: record 0 \(transaction_id t\): field colour is not an allowed field$/],
    [[{ project_id: 'p', transaction_id: 't' }, { project_id: 'p', transaction_id: 't' }], /: record 1 \(transaction_id t\): duplicate of an earlier record in project p$/]
  ]
  for (const [content, message] of cases) {
    const file = write(content)
    t.throws(() => loadFixtures(file), { constructor: ConfigError, message: new RegExp(`^fixture file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` + message.source.slice(0)) })
  }
  t.throws(() => loadFixtures('/nonexistent/x'), new ConfigError('fixtures /nonexistent/x: no such file or directory'))
})
