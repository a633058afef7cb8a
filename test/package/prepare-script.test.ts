import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Issue #12, input 8: `npm install <git URL>` must build the package (npm runs `prepare` in the clone
// after installing its devDependencies, and before `npm pack`). The Docker build runs `npm ci` with
// only package.json and the lock file present, so there the script must do nothing.

const root = fileURLToPath(new URL('../..', import.meta.url))
const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }

t.test('prepare runs the build where the sources are', async (t) => {
  t.match(scripts.prepare, /npm run build/)
  t.match(scripts.prepare, /tsconfig\.build\.json/, 'guarded by the build config being there')
})

t.test('prepare does nothing (and succeeds) without the sources, as in the Docker build stage', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'wks-prepare-'))
  const script = /^node -e "(.*)"$/.exec(scripts.prepare)?.[1]
  t.ok(script, 'a node -e one-liner, so it runs wherever npm does')
  execFileSync(process.execPath, ['-e', script!], { cwd: dir, stdio: 'pipe' })
  t.same(readdirSync(dir), [], 'nothing built, nothing written')
})
