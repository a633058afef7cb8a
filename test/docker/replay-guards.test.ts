import t, { type Test } from 'tap'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseDockerfile } from './dockerfile-model.js'
import { replayBuild } from './replay.js'
import { containerEnv, startContainer, waitHealthy } from './container.js'

// The replay is only worth something if it fails where docker build would: these feed it small
// broken Dockerfiles against a throw-away context.
const FROM = 'FROM node:20-bookworm-slim'
const UNSUPPORTED = { name: 'Unsupported' }

function context (t: Test, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wks-replay-guard-'))
  chmodSync(dir, 0o755)
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'ctx', path)), { recursive: true })
    writeFileSync(join(dir, 'ctx', path), text)
  }
  mkdirSync(join(dir, 'ctx'), { recursive: true })
  return dir
}

async function replay (t: Test, dockerfile: string, files: Record<string, string> = {}): Promise<Awaited<ReturnType<typeof replayBuild>>> {
  const dir = context(t, files)
  mkdirSync(join(dir, 'work'))
  return await replayBuild(parseDockerfile(dockerfile), join(dir, 'ctx'), join(dir, 'work'), () => {})
}

t.test('instructions, flags and shell forms it does not model fail loudly', async (t) => {
  for (const line of ['ADD a b', 'ARG X=1', 'SHELL ["/bin/bash", "-c"]', 'VOLUME /data', 'COPY --chown=node a ./', 'RUN --mount=type=cache,target=/x npm ci', 'ENV A=$B', 'STOPSIGNAL SIGINT']) {
    t.throws(() => parseDockerfile(`${FROM}\n${line}\n`), UNSUPPORTED, line)
  }
  for (const run of ['RUN true || false', 'RUN curl -fsSL x', 'RUN npm ci --prefix=/app', 'RUN apt-get upgrade']) {
    await t.rejects(replay(t, `${FROM}\n${run}\n`), UNSUPPORTED, run)
  }
  await t.rejects(replay(t, 'FROM node:18-bookworm-slim\n'), /node 20/, 'a base image whose node differs from this machine\'s')
})

t.test('COPY of a missing, ignored or mis-staged source fails', async (t) => {
  const files = { 'a.txt': 'a', 'secret.env': 's', '.dockerignore': '*.env\n' }
  await t.rejects(replay(t, `${FROM}\nCOPY missing.txt ./\n`, files), /missing\.txt not found in the build context/)
  await t.rejects(replay(t, `${FROM}\nCOPY secret.env ./\n`, files), /secret\.env not found in the build context/)
  await t.rejects(replay(t, `${FROM}\nCOPY a.txt secret.env /x\n`, files), /destination ending in \//)
  await t.rejects(replay(t, `${FROM} AS one\nWORKDIR /app\nCOPY a.txt ./\n${FROM}\nCOPY --from=one /a.txt ./\n`, files), /a\.txt not found in stage one/)
  await t.rejects(replay(t, `${FROM}\nCOPY --from=nope /a.txt ./\n`, files), /not an earlier stage/)
})

t.test('COPY takes exactly what it names, less what .dockerignore excludes', async (t) => {
  const image = await replay(t, `${FROM}\nWORKDIR /app\nCOPY src ./src\nCOPY a.txt /etc/\n`, {
    'src/keep.js': '', 'src/drop.tmp': '', 'a.txt': '', 'b.txt': '', '.dockerignore': 'src/*.tmp\n'
  })
  const app = join(image.root, 'app')
  t.ok(existsSync(join(app, 'src/keep.js')))
  t.notOk(existsSync(join(app, 'src/drop.tmp')), 'ignored file not copied')
  t.notOk(existsSync(join(app, 'b.txt')), 'unnamed file not copied')
  t.ok(existsSync(join(image.root, 'etc/a.txt')), 'absolute destination lands under the replay root')
})

t.test('a failing build step fails', async (t) => {
  const pkg = JSON.stringify({ name: 'x', version: '1.0.0', scripts: { build: 'exit 3' } })
  await t.rejects(replay(t, `${FROM}\nWORKDIR /app\nCOPY package.json ./\nRUN npm run build\n`, { 'package.json': pkg }), /npm run build failed \(exit 3\)/)
  await t.rejects(replay(t, `${FROM}\nRUN apt-get install -y tini\n`), /no package lists/)
  await t.rejects(replay(t, `${FROM}\nRUN apt-get update && apt-get install -y --no-install-recommends no-such-package-wks\n`), /no-such-package-wks/)
})

t.test('a HEALTHCHECK that never passes fails, within start-period + retries × interval', async (t) => {
  const dockerfile = `${FROM}\nWORKDIR /app\nCOPY server.js ./\n` +
    'HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD ["node", "-e", "process.exit(1)"]\n' +
    'ENTRYPOINT ["node"]\nCMD ["server.js"]\n'
  const image = await replay(t, dockerfile, { 'server.js': 'setInterval(() => {}, 1000)\n' })
  const env = containerEnv(image, {})
  const container = startContainer(image, env)
  t.teardown(() => { if (!container.exited()) process.kill(container.pid, 'SIGKILL') })
  await t.rejects(waitHealthy(image, env, container), /unhealthy after 2000 ms/)
})
