import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from './run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'wks-guarded-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))
const path = (name: string): string => join(dir, name)
execFileSync('mkfifo', [path('fifo')])
writeFileSync(path('cert.pem'), 'not a certificate')
// 300 MB without the disk space: a sparse file.
writeFileSync(path('huge.json'), '')
truncateSync(path('huge.json'), 300 * 1024 * 1024)

/** Every file a verb reads goes through the one guarded loader: one line, exit 2, at once, never a hang or a 1 GB read. */
const cases: Array<[string[], string]> = [
  [['--tls-cert', '/dev/zero', '--tls-key', path('cert.pem')], '--tls-cert /dev/zero: is a device, not a regular file'],
  [['--tls-cert', path('cert.pem'), '--tls-key', '/dev/zero'], '--tls-key /dev/zero: is a device, not a regular file'],
  [['--tls-cert', path('fifo'), '--tls-key', path('cert.pem')], `--tls-cert ${path('fifo')}: is a FIFO, not a regular file`],
  [['--tls-cert', path('cert.pem'), '--tls-key', path('fifo')], `--tls-key ${path('fifo')}: is a FIFO, not a regular file`],
  [['--tls-cert', dir, '--tls-key', path('cert.pem')], `--tls-cert ${dir}: is a directory, not a regular file`],
  [['--tls-cert', path('huge.json'), '--tls-key', path('cert.pem')], `--tls-cert ${path('huge.json')}: 314572800 bytes is over the 256 MiB limit`],
  [['import', '/dev/zero', '--db', path('a.sqlite')], 'import: document /dev/zero: is a device, not a regular file'],
  [['import', path('fifo'), '--db', path('a.sqlite')], `import: document ${path('fifo')}: is a FIFO, not a regular file`],
  [['import', path('huge.json'), '--db', path('a.sqlite')], `import: document ${path('huge.json')}: 314572800 bytes is over the 256 MiB limit`]
]

for (const [args, line] of cases) {
  t.test(args.join(' '), async (t) => {
    const started = performance.now()
    t.same(await runCli(args), { code: 2, stdout: '', stderr: `wks-emulator: ${line}\n` })
    const ms = performance.now() - started
    t.ok(ms < 10_000, `in bounded time (${ms.toFixed(0)} ms)`)
  })
}
