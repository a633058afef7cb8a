import t from 'tap'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const examples = ['retry.tap.test.mjs', 'retry.node.test.mjs']

/**
 * Installs the package as a user would get it: `npm pack` (so only the files the package ships;
 * without its prepare script, since npm test has just built dist/ and other tests are using it),
 * unpacked into a fresh node_modules. Its dependencies are linked from this checkout's
 * node_modules rather than installed again, which would rebuild better-sqlite3 for minutes.
 */
function installPacked (): string {
  const dir = mkdtempSync(join(tmpdir(), 'wks-packed-'))
  const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }))
  const pkg = join(dir, 'node_modules', 'wks-emulator')
  mkdirSync(pkg, { recursive: true })
  execFileSync('tar', ['-xzf', join(dir, filename), '-C', pkg, '--strip-components=1'])
  symlinkSync(join(root, 'node_modules'), join(pkg, 'node_modules'))
  symlinkSync(join(root, 'node_modules', 'tap'), join(dir, 'node_modules', 'tap'))
  for (const file of examples) copyFileSync(join(root, 'examples', file), join(dir, file))
  return dir
}

t.test('the README examples run against the packed, compiled package', async (t) => {
  const dir = installPacked()
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  for (const file of examples) {
    t.ok(readme.includes(readFileSync(join(root, 'examples', file), 'utf8').trim()), `README shows examples/${file} verbatim`)
  }
  const tap = spawnSync(process.execPath, ['retry.tap.test.mjs'], { cwd: dir, encoding: 'utf8' })
  t.equal(tap.status, 0, tap.stdout + tap.stderr)
  t.match(tap.stdout, /# \{ total: \d+, pass: \d+ \}|^ok 1 /m)
  const nodeTest = spawnSync(process.execPath, ['--test', 'retry.node.test.mjs'], { cwd: dir, encoding: 'utf8' })
  t.equal(nodeTest.status, 0, nodeTest.stdout + nodeTest.stderr)
  t.match(nodeTest.stdout, /# pass 1/)
})

t.test('the package ships only what it needs', async (t) => {
  const listed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--dry-run', '--json'], { cwd: root, encoding: 'utf8' }))[0].files.map((f: { path: string }) => f.path)
  t.ok(listed.includes('dist/index.js'))
  t.ok(listed.includes('dist/server.js'))
  t.ok(listed.includes('fixtures/transactions.json'))
  t.notOk(listed.some((p: string) => p.startsWith('src/') || p.startsWith('test/')))
})
