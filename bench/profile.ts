/**
 * `npm run bench:profile`: runs the emulator under `node --cpu-prof` while the load generator drives
 * the documented lookup, then prints the functions with the most self time, as Markdown.
 * Flags: --server dist/server.js (another build to compare) --duration 10 --top 15, and after `--`
 * the emulator's own flags (default: --log-level warn).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { selfTimes, selfTimeTable } from './lib/cpu-profile.js'
import { pickLoadGenerator } from './lib/load.js'
import { DOC_PATH } from '../test/documented.js'
import { startServer } from './lib/servers.js'

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    server: { type: 'string', default: 'dist/server.js' },
    duration: { type: 'string', default: '10' },
    top: { type: 'string', default: '15' }
  }
})
const flags = positionals.length > 0 ? positionals : ['--log-level', 'warn']
const root = resolve(import.meta.dirname, '..')
const dir = mkdtempSync(join(tmpdir(), 'wks-profile-'))
try {
  const generator = await pickLoadGenerator()
  const server = await startServer({
    name: 'profiled',
    args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, resolve(root, opts.server!), '--port', '{port}', ...flags],
    readyPath: '/_emulator/health',
    logFile: join(dir, 'server.log')
  })
  const load = { url: server.url + DOC_PATH, headers: { 'X-Auth-Token': 'profile' }, connections: 50 }
  await generator.run({ ...load, durationS: 2 })
  const result = await generator.run({ ...load, durationS: Number(opts.duration) })
  await server.stop()
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  if (!file) throw new Error('no .cpuprofile written (did the server exit cleanly?)')
  process.stdout.write(`${opts.server} ${flags.join(' ')}: ${result.rps.toFixed(0)} req/s under ${generator.name}, ` +
    `2 s warm-up + ${opts.duration} s measured; the profile covers the whole process, start-up included\n\n`)
  process.stdout.write(selfTimeTable(selfTimes(join(dir, file), root), Number(opts.top)) + '\n')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
