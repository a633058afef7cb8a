import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// The layering of src/, checked from the import statements themselves: no module imports one
// that imports it back (directly or round a loop), no folder does, and the request concerns
// know nothing of the pipeline that calls them.

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

function sources (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])
}

/** Each module's relative imports (static, `export … from` and dynamic), as paths under src/. */
function importGraph (): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map(([, spec]) =>
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

const folderOf = (path: string): string => path.includes('/') ? path.split('/')[0] : '.'

t.test('no module imports itself round a loop', async (t) => {
  t.equal(findCycle(importGraph())?.join(' → '), undefined)
})

t.test('no folder imports itself round a loop', async (t) => {
  const folders = new Map<string, string[]>()
  for (const [from, targets] of importGraph()) {
    const folder = folderOf(from)
    // Top-level files (app.ts, server.ts, index.ts …) are the entry: everything is below them.
    if (folder === '.') continue
    const out = folders.get(folder) ?? []
    for (const target of targets) if (folderOf(target) !== folder && folderOf(target) !== '.') out.push(folderOf(target))
    folders.set(folder, out)
  }
  t.equal(findCycle(folders)?.join(' → '), undefined)
})

t.test('the request concerns and the stores know nothing of the pipeline or its fast path', async (t) => {
  for (const [from, targets] of importGraph()) {
    if (!['auth', 'faults', 'journal', 'metrics', 'store', 'schemas', 'wire'].includes(folderOf(from))) continue
    const upward = targets.filter((target) => ['pipeline', 'routes', 'http', 'logging'].includes(folderOf(target)))
    t.same(upward, [], from)
  }
})
