import t from 'tap'
import { existsSync, readFileSync } from 'node:fs'
import { join, posix, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { parseDockerfile } from './dockerfile-model.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

interface Service {
  build?: string | { context?: string, dockerfile?: string }
  ports?: Array<string | { target: number, published?: string | number, host_ip?: string }>
  environment?: Record<string, string | number | null> | string[]
  volumes?: Array<string | { type: string, source?: string, target: string, read_only?: boolean }>
  healthcheck?: { test?: string | string[], disable?: boolean, [key: string]: unknown }
  depends_on?: string[] | Record<string, { condition?: string }>
}
interface Compose { services: Record<string, Service>, volumes?: Record<string, unknown> }

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as Compose
const [name, emulator] = Object.entries(compose.services).find(([, s]) => s.build !== undefined) ?? []
const build = typeof emulator?.build === 'string' ? { context: emulator.build } : emulator?.build ?? {}
const context = resolve(ROOT, build.context ?? '.')
const image = parseDockerfile(readFileSync(join(context, build.dockerfile ?? 'Dockerfile'), 'utf8')).at(-1)!.final

/** The service's environment laid over the image's ENV, as the container sees it. */
function environment (service: Service): Record<string, string> {
  const own = Array.isArray(service.environment)
    ? Object.fromEntries(service.environment.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]))
    : Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]))
  return { ...image.env, ...own }
}

/** Mounts in one shape, whichever compose syntax wrote them. */
function mounts (service: Service): Array<{ source: string, target: string, readOnly: boolean }> {
  return (service.volumes ?? []).map((v) => {
    if (typeof v !== 'string') return { source: v.source ?? '', target: v.target, readOnly: v.read_only === true }
    const [source, target, mode = ''] = v.split(':')
    return { source, target, readOnly: mode.split(',').includes('ro') }
  })
}

t.test('one service is built from the Dockerfile', async (t) => {
  t.ok(name, 'a service with build:')
  t.ok(existsSync(join(context, build.dockerfile ?? 'Dockerfile')))
})

t.test('the published container port is the EXPOSEd one and the one the server listens on', async (t) => {
  const env = environment(emulator!)
  const targets = (emulator!.ports ?? []).map((p) => typeof p === 'string' ? Number(p.split('/')[0].split(':').at(-1)) : p.target)
  t.ok(targets.length > 0, 'a port is published')
  for (const target of targets) t.ok(image.expose.includes(target), `container port ${target} is EXPOSEd`)
  t.same(targets, [Number(env.WKS_EMULATOR_PORT)], 'and it is WKS_EMULATOR_PORT')
  // Publishing is pointless unless the server binds beyond the container's loopback.
  t.ok(['0.0.0.0', '::'].includes(env.WKS_EMULATOR_HOST), `WKS_EMULATOR_HOST ${env.WKS_EMULATOR_HOST} is a wildcard`)
})

t.test('the healthcheck, if the service sets one, runs the Dockerfile\'s HEALTHCHECK command', async (t) => {
  const hc = emulator!.healthcheck
  t.ok(image.healthcheck, 'the image has a HEALTHCHECK')
  if (!hc) return
  t.notOk(hc.disable, 'not disabled: the client waits for service_healthy')
  const known = ['test', 'interval', 'timeout', 'start_period', 'start_interval', 'retries', 'disable']
  t.same(Object.keys(hc).filter((k) => !known.includes(k)), [], 'no misspelt healthcheck keys')
  if (hc.test === undefined) return // compose then keeps the image's own command
  const test = typeof hc.test === 'string' ? ['CMD-SHELL', hc.test] : hc.test
  const argv = test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test[1]] : test[0] === 'CMD' ? test.slice(1) : test
  t.same(argv, image.healthcheck?.command)
})

t.test('the database lives in a named volume, and fixtures are mounted read-only where the env says', async (t) => {
  const env = environment(emulator!)
  const all = mounts(emulator!)
  const db = env.WKS_EMULATOR_DB
  const inside = (dir: string, path: string): boolean => !posix.relative(dir, path).startsWith('..') && posix.isAbsolute(path)
  const volume = all.find((m) => m.source in (compose.volumes ?? {}) && inside(m.target, db))
  t.ok(volume, `WKS_EMULATOR_DB ${db} is inside a named volume`)
  t.notOk(volume?.readOnly, 'which is writable')
  // The image creates that directory owned by its USER, so a fresh volume starts writable for the server.
  const runs = parseDockerfile(readFileSync(join(context, build.dockerfile ?? 'Dockerfile'), 'utf8')).at(-1)!.steps
    .flatMap((s) => s.kind === 'run' && 'shell' in s.command ? [s.command.shell] : [])
  t.ok(runs.some((r) => new RegExp(`chown ${image.user}(:\\S+)? ${volume?.target}( |$)`).test(r)), `the Dockerfile chowns ${volume?.target} to ${image.user}`)

  const fixtures = all.find((m) => m.target === env.WKS_EMULATOR_FIXTURES)
  t.ok(fixtures, `a mount at WKS_EMULATOR_FIXTURES ${env.WKS_EMULATOR_FIXTURES}`)
  t.ok(fixtures?.readOnly, 'read-only')
  t.ok(fixtures && existsSync(resolve(ROOT, fixtures.source)), 'its source exists in the repository')
})

t.test('a client waits for the emulator to be healthy', async (t) => {
  const clients = Object.entries(compose.services).filter(([n]) => n !== name)
  t.ok(clients.length > 0)
  for (const [client, service] of clients) {
    const deps = service.depends_on
    t.ok(deps && !Array.isArray(deps), `${client} uses the long depends_on form`)
    t.equal(deps && !Array.isArray(deps) ? deps[name!]?.condition : undefined, 'service_healthy', `${client} waits for ${name} to be healthy`)
  }
})
