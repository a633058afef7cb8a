import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// The layering of src/, checked from the import statements themselves (static, `export … from`,
// dynamic and type-only alike): no module or folder imports itself round a loop, no module imports
// a layer above its own, and inside the api wing no step knows the pipeline, an entrance or another
// step. Root files (app.ts, errors.ts …) are checked like any other module. docs/architecture.md
// draws the same picture.

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

function sources (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [])
}

/** Each module's relative imports, as paths under src/. */
function importGraph (): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8')
    // `from '…'` (import and export), `import '…'` (side effects only) and `import('…')`, in any quotes.
    const targets = [...text.matchAll(/\b(?:from|import)\s*\(?\s*['"`](\.[^'"`]+)['"`]/g)].map(([, spec]) =>
      relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))))
    graph.set(relative(SRC, file), targets)
  }
  return graph
}

/** A cycle of the graph as a list of nodes, or undefined. */
function findCycle (graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node]
    state.set(node, 'open')
    path.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    path.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of graph.keys()) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}

/** A root file is a room of its own; anything in a folder belongs to the folder's first segment. */
const roomOf = (path: string): string => path.split('/')[0]

/** Inside the api wing, the room is api/<folder> (a step, the pipeline, the entrances) or the wing's own file. */
const wingRoomOf = (path: string): string => path.split('/').slice(0, 2).join('/')

/** The floors of src/, lowest first: a module imports its own room or a room on a lower floor. */
const FLOORS: Record<string, number> = {
  schemas: 0,
  'errors.ts': 1,
  config: 2,
  store: 3,
  runtime: 4,
  api: 5,
  control: 6,
  'app.ts': 7,
  'index.ts': 8,
  'server.ts': 8,
  cli: 8
}

/** Inside api/: steps at the bottom, knowing nothing of each other; the pipeline and the state over them; entrances on top. */
const STEPS = ['api/auth', 'api/throttle', 'api/cors', 'api/faults', 'api/lookup', 'api/upstream']
const WING_FLOORS: Record<string, number> = {
  ...Object.fromEntries(STEPS.map((step) => [step, 0])),
  'api/operations': 1,
  'api/pipeline': 1,
  'api/state.ts': 1,
  'api/entrances': 2,
  'api/index.ts': 3
}

type Graph = Map<string, string[]>

/** Whether every import of `target` in `from` is `import type` (a type names a value's shape; it runs nothing). */
function isTypeOnly (from: string, target: string): boolean {
  const text = readFileSync(join(SRC, from), 'utf8')
  const name = target.split('/').pop()!.replace(/\.ts$/, '')
  const lines = text.split('\n').filter((line) => /^\s*(?:import|export)\b/.test(line) && line.includes(`/${name}.js'`))
  return lines.length > 0 && lines.every((line) => /^\s*(?:import|export) type\b/.test(line))
}

/** A loop among rooms (as `roomOfModule` groups modules), over the modules `only` keeps. */
function loopOver (graph: Graph, roomOfModule: (path: string) => string, only?: (path: string) => boolean): string[] | undefined {
  const rooms = new Map<string, string[]>()
  for (const [from, targets] of graph) {
    if (only !== undefined && !only(from)) continue
    const room = roomOfModule(from)
    const out = rooms.get(room) ?? []
    for (const target of targets) {
      if (only !== undefined && !only(target)) continue
      if (roomOfModule(target) !== room) out.push(roomOfModule(target))
    }
    rooms.set(room, out)
  }
  return findCycle(rooms)
}

/** Imports of a room on a higher floor than the importer's. */
function upwardImports (graph: Graph): string[] {
  const upward: string[] = []
  for (const [from, targets] of graph) {
    for (const target of targets) if (FLOORS[roomOf(target)] > FLOORS[roomOf(from)]) upward.push(`${from} → ${target}`)
  }
  return upward
}

/** Imports inside api/ of a room on the same or a higher wing floor (a step importing another step, the pipeline …). */
function wingViolations (graph: Graph): string[] {
  const wrong: string[] = []
  for (const [from, targets] of graph) {
    if (!from.startsWith('api/')) continue
    for (const target of targets) {
      if (!target.startsWith('api/') || wingRoomOf(target) === wingRoomOf(from)) continue
      if (WING_FLOORS[wingRoomOf(target)] >= WING_FLOORS[wingRoomOf(from)]) wrong.push(`${from} → ${target}`)
    }
  }
  return wrong
}

/** Imports of api/ or control/ by the floors below them. */
function lowerLayerViolations (graph: Graph): string[] {
  const wrong: string[] = []
  for (const [from, targets] of graph) {
    if (FLOORS[roomOf(from)] >= FLOORS.api) continue
    for (const target of targets) if (['api', 'control'].includes(roomOf(target))) wrong.push(`${from} → ${target}`)
  }
  return wrong
}

const inWing = (path: string): boolean => path.startsWith('api/')

t.test('no module imports itself round a loop', async (t) => {
  t.equal(findCycle(importGraph())?.join(' → '), undefined)
})

t.test('no folder imports itself round a loop, root files included', async (t) => {
  t.equal(loopOver(importGraph(), roomOf)?.join(' → '), undefined)
  t.equal(loopOver(importGraph(), wingRoomOf, inWing)?.join(' → '), undefined, 'inside the api wing')
})

t.test('every room of src/ has its floor, and src/ keeps to about ten entries', async (t) => {
  const entries = readdirSync(SRC)
  t.same(entries.filter((entry) => FLOORS[entry] === undefined), [], 'rooms without a floor')
  t.ok(entries.length <= 11, `${entries.length} entries at the root of src/`)
  const wing = [...importGraph().keys()].filter(inWing).map(wingRoomOf)
  t.same([...new Set(wing)].filter((room) => WING_FLOORS[room] === undefined), [], 'wing rooms without a floor')
})

t.test('no module imports a layer above its own', async (t) => {
  t.same(upwardImports(importGraph()), [])
})

t.test('every relative import stays inside src/', async (t) => {
  const outside = [...importGraph()].flatMap(([from, targets]) => targets.filter((target) => target.startsWith('..')).map((target) => `${from} → ${target}`))
  t.same(outside, [])
})

t.test('inside the api wing, a step knows no other step, nor the pipeline or an entrance', async (t) => {
  t.same(wingViolations(importGraph()), [])
})

t.test('the lower layers (store with the journal, runtime with metrics, schemas, config) import nothing from api/ or control/', async (t) => {
  t.same(lowerLayerViolations(importGraph()), [])
})

t.test('each rule catches what it names, root files included (a synthetic graph)', async (t) => {
  const graph: Graph = new Map([
    ['errors.ts', ['app.ts']],
    ['app.ts', ['errors.ts', 'api/index.ts']],
    ['store/db.ts', ['api/state.ts']],
    ['api/state.ts', ['store/db.ts']],
    ['api/throttle/throttle.ts', ['api/auth/caller.ts', 'api/pipeline/call.ts']],
    ['api/auth/caller.ts', []],
    ['api/pipeline/call.ts', ['api/entrances/fast-path.ts']],
    ['api/entrances/fast-path.ts', ['api/pipeline/call.ts']],
    ['api/index.ts', []]
  ])
  t.same(findCycle(graph), ['errors.ts', 'app.ts', 'errors.ts'], 'a loop through two root files')
  t.ok(loopOver(graph, roomOf), 'a loop between folders')
  t.same(loopOver(graph, wingRoomOf, inWing), ['api/pipeline', 'api/entrances', 'api/pipeline'], 'a loop inside the wing')
  t.same(upwardImports(graph), ['errors.ts → app.ts', 'store/db.ts → api/state.ts'])
  t.same(wingViolations(graph), ['api/throttle/throttle.ts → api/auth/caller.ts', 'api/throttle/throttle.ts → api/pipeline/call.ts', 'api/pipeline/call.ts → api/entrances/fast-path.ts'])
  t.same(lowerLayerViolations(graph), ['store/db.ts → api/state.ts'])
})

t.test('the modules of the three grammars are imported by config/grammars.ts alone (however a parser is named there)', async (t) => {
  const GRAMMARS = ['config/rate-limit-flag.ts', 'config/latency-flag.ts', 'config/cors-flag.ts', 'config/allowed-hosts-flag.ts']
  const importers = new Map(GRAMMARS.map((grammar) => [grammar, [] as string[]]))
  for (const [from, targets] of importGraph()) {
    for (const target of targets) if (importers.has(target) && !isTypeOnly(from, target)) importers.get(target)!.push(from)
  }
  t.same(Object.fromEntries(importers), Object.fromEntries(GRAMMARS.map((grammar) => [grammar, ['config/grammars.ts']])))
})

t.test('--rate-limit, --latency, --cors and --allowed-hosts are parsed in one module, config/grammars.ts, and nowhere else', async (t) => {
  const callers: Record<string, string[]> = { parseRateLimitFlag: [], parseLatencyFlag: [], parseCorsOrigins: [], parseAllowedHosts: [] }
  for (const file of sources(SRC)) {
    // A call, not the function's own declaration.
    for (const [, name] of readFileSync(file, 'utf8').matchAll(/(?<!function )\b(parseRateLimitFlag|parseLatencyFlag|parseCorsOrigins|parseAllowedHosts)\s*\(/g)) {
      callers[name].push(relative(SRC, file))
    }
  }
  t.same(callers, { parseRateLimitFlag: ['config/grammars.ts'], parseLatencyFlag: ['config/grammars.ts'], parseCorsOrigins: ['config/grammars.ts'], parseAllowedHosts: ['config/grammars.ts'] })
})
