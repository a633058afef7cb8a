import t from 'tap'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { writeDb } from '../../src/cli/generate/write.js'
import { createBaseWriter } from '../../src/store/base.js'
import { openDb } from '../../src/store/db.js'
import { keyHash } from '../../src/store/key-hash.js'
import { createTransactionStore } from '../../src/store/transactions.js'
import { createFaultStore } from '../../src/api/faults/store.js'
import type { TransactionRecord } from '../../src/schemas/access-stages.js'

const rec = (project: string, tx: string, username = 'u'): TransactionRecord => ({ project_id: project, transaction_id: tx, username })
const keys = (store: ReturnType<typeof createTransactionStore>, projectId?: string): string[] =>
  store.list({ projectId, limit: 1000, offset: 0 }).transactions.map((r) => `${r.project_id}/${r.transaction_id}/${r.username}`)
const fileDb = (): string => join(mkdtempSync(join(tmpdir(), 'wks-layers-')), 'data.sqlite')

t.test('changes over fixtures over file records; resets drop changes only', async (t) => {
  const file = fileDb()
  writeDb(file, [rec('p', 'g1', 'gen'), rec('p', 'g2', 'gen'), rec('p', 'fx', 'gen'), rec('q', 'g3', 'gen')])
  const db = openDb(file)
  t.teardown(() => db.close())
  const store = createTransactionStore(db)
  store.loadFixtures([rec('p', 'fx', 'fixture'), rec('q', 'fq', 'fixture')])
  t.same(keys(store), ['p/fx/fixture', 'p/g1/gen', 'p/g2/gen', 'q/fq/fixture', 'q/g3/gen'], 'a fixture stands in front of a file record of its key')
  t.equal(store.count(), 5)

  store.putMany([rec('p', 'g1', 'changed'), rec('p', 'new', 'added')])
  t.equal(store.delete('p', 'fx'), true)
  t.equal(store.delete('p', 'fx'), false, 'a deleted record is gone')
  t.equal(store.delete('p', 'new'), true)
  t.same(keys(store, 'p'), ['p/g1/changed', 'p/g2/gen'])
  t.equal(store.count('p'), 2)
  t.equal(store.count(), 4)

  t.equal(store.deleteProject('q'), 2, 'a project delete hides its fixtures and file records')
  t.same(keys(store, 'q'), [])
  t.equal(store.getBody('q', 'g3'), undefined)
  store.putMany([rec('q', 'after', 'added')])
  t.same(keys(store, 'q'), ['q/after/added'], 'records added after a project delete are served')
  t.equal(store.count(), 3)
  t.same(store.changedProjects(), ['p', 'q'])
  t.same(store.listChanges('q'), { projectId: 'q', records: [rec('q', 'after', 'added')], deleted: [], cleared: true })

  store.resetChanges('q')
  t.same(keys(store, 'q'), ['q/fq/fixture', 'q/g3/gen'], 'a project reset brings back its start state')
  t.same(keys(store, 'p'), ['p/g1/changed', 'p/g2/gen'], 'and leaves other projects as they are')
  store.resetChanges()
  t.same(keys(store), ['p/fx/fixture', 'p/g1/gen', 'p/g2/gen', 'q/fq/fixture', 'q/g3/gen'], 'a full reset: start state, file records intact')
  t.equal(db.prepare('SELECT count(*) FROM base').pluck().get(), 4, 'no reset deletes a file record')
})

t.test('changes of a project can be listed and put back (snapshots)', async (t) => {
  const db = openDb(':memory:')
  const store = createTransactionStore(db)
  store.loadFixtures([rec('p', 'a', 'fixture'), rec('p', 'b', 'fixture')])
  store.putMany([rec('p', 'a', 'changed')])
  store.delete('p', 'b')
  const saved = store.listChanges('p')
  t.same(saved, { projectId: 'p', records: [rec('p', 'a', 'changed')], deleted: ['b'], cleared: false })
  store.resetChanges()
  store.replaceChanges(saved)
  t.same(keys(store), ['p/a/changed'])
})

t.test('a file of schema 2 migrates: its records become start state', async (t) => {
  const file = fileDb()
  const old = new Database(file)
  old.exec(`CREATE TABLE transactions (project_id TEXT NOT NULL, transaction_id TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (project_id, transaction_id)) WITHOUT ROWID;
    CREATE TABLE fault_rules (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, project_id TEXT, rule TEXT NOT NULL, startup INTEGER NOT NULL DEFAULT 0, matched INTEGER NOT NULL DEFAULT 0, fired INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE journal (seq INTEGER PRIMARY KEY, project_id TEXT, transaction_id TEXT, status INTEGER NOT NULL, entry TEXT NOT NULL);
    CREATE INDEX journal_project ON journal (project_id, seq);
    CREATE TABLE state_version (name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
    INSERT INTO state_version VALUES ('faults', 0);
    INSERT INTO transactions VALUES ('p', 't1', '{"username":"one"}'), ('p', 't2', '{"username":"two"}');
    PRAGMA user_version = 2;`)
  old.close()
  const db = openDb(file)
  t.teardown(() => db.close())
  const store = createTransactionStore(db)
  t.same(keys(store), ['p/t1/one', 'p/t2/two'])
  store.delete('p', 't1')
  store.resetChanges()
  t.same(keys(store), ['p/t1/one', 'p/t2/two'], 'a reset keeps what the old file held')
  t.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'transactions'").pluck().get(), 0)
})

t.test('two keys with one hash: both stored, both found', async (t) => {
  const file = fileDb()
  writeDb(file, [rec('p', 'a', 'first')])
  const db = new Database(file)
  // Occupy the id of ('p', 'b') with another key, as a hash collision would.
  db.prepare('INSERT INTO base (id, project_id, transaction_id, body) VALUES (?, ?, ?, ?)').run(keyHash('p', 'b'), 'p', 'occupier', '{"username":"occ"}')
  createBaseWriter(db)('p', 'b', '{"username":"second"}')
  db.close()
  const reopened = openDb(file)
  t.teardown(() => reopened.close())
  const store = createTransactionStore(reopened)
  t.equal(store.getBody('p', 'b'), '{"username":"second"}')
  t.equal(store.getBody('p', 'occupier'), '{"username":"occ"}')
  t.equal(store.getBody('p', 'a'), '{"username":"first"}')
  t.equal(store.getBody('p', 'c'), undefined)
})

t.test('fault rules: start-up rules reload under run-time changes; resets put each back in its place', async (t) => {
  const db = openDb(':memory:')
  const faults = createFaultStore(db)
  const rule = (id: string, project: string, status = 503) => ({ id, match: { project_id: project }, action: { status } })
  const ids = () => faults.list().map((f) => `${f.id}:${f.match?.project_id}:${f.action.status}`)
  faults.loadStartup([rule('s1', 'p'), rule('s2', 'q'), rule('s3', 'p')])
  faults.add(rule('s2', 'q', 500)) // replaces a start-up rule, in place
  faults.add(rule('r1', 'p'))
  faults.remove('s3')
  faults.loadStartup([rule('s1', 'p'), rule('s2', 'q'), rule('s3', 'p'), rule('s4', 'q')]) // a restart, with one more start-up rule
  t.same(ids(), ['s1:p:503', 's4:q:503', 's2:q:500', 'r1:p:503'], 'run-time replacement and deletion kept; the new start-up rule loaded')
  faults.restore('p', [rule('s1', 'p'), rule('s2', 'q'), rule('s3', 'p'), rule('s4', 'q')])
  t.same(ids().sort(), ['s1:p:503', 's2:q:500', 's3:p:503', 's4:q:503'], 'a project reset restores its own rules and touches no other project\'s')
  faults.restore(undefined, [rule('s1', 'p'), rule('s2', 'q'), rule('s3', 'p'), rule('s4', 'q')])
  t.same(ids(), ['s1:p:503', 's2:q:503', 's3:p:503', 's4:q:503'], 'a full reset: the start-up rules in file order')
})
