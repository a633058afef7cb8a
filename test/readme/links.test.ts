import t from 'tap'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { docFiles, folderReadmes } from './doc-files.js'

/*
 * The README stays a page a newcomer reads to the end, and the docs hold together: every relative
 * link of README.md, docs/**\/*.md and the folder READMEs of src/ points at a file that exists and,
 * when it names a heading (`#anchor`), at a heading of that file.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const README_MAX_LINES = 250

/** The lines outside fenced code blocks (a `# comment` in a block is no heading, a `[x](y)` no link). */
function prose (markdown: string): string[] {
  const lines: string[] = []
  let fence: string | undefined
  for (const line of markdown.split('\n')) {
    const opening = /^(```+|~~~+)/.exec(line)?.[1]
    if (fence === undefined && opening !== undefined) fence = opening
    else if (fence !== undefined && line.startsWith(fence)) fence = undefined
    else if (fence === undefined) lines.push(line)
  }
  return lines
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function anchors (markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const found = new Set<string>()
  for (const line of prose(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1]
    if (heading === undefined) continue
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '').replace(/\s/g, '-')
    const n = seen.get(slug) ?? 0
    seen.set(slug, n + 1)
    found.add(n === 0 ? slug : `${slug}-${n}`)
  }
  return found
}

/** The targets of the inline links and images of the prose, inline code left out. */
function links (markdown: string): string[] {
  const targets: string[] = []
  for (const line of prose(markdown)) {
    const text = line.replace(/`[^`]*`/g, '')
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1])
  }
  return targets
}

t.test(`the README has at most ${README_MAX_LINES} lines`, async (t) => {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length
  t.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines`)
})

t.test('every relative link of the README, docs/ and the folder READMEs points at an existing file and heading', async (t) => {
  const files = [...docFiles(ROOT), ...folderReadmes(ROOT)]
  t.ok(files.length > 1, `${files.length} files: the README, the pages under docs/, the folder READMEs`)
  let checked = 0
  for (const file of files) {
    const markdown = readFileSync(join(ROOT, file), 'utf8')
    for (const target of links(markdown)) {
      // Absolute URLs and mail addresses leave the repository; they are not checked here.
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
      const [path, anchor] = target.split('#', 2)
      const resolved = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), decodeURIComponent(path))
      checked++
      if (!existsSync(resolved)) {
        t.fail(`${file}: link ${target} points at ${path}, which does not exist`)
        continue
      }
      if (anchor === undefined || anchor === '') continue
      if (!statSync(resolved).isFile() || !resolved.endsWith('.md')) {
        t.fail(`${file}: link ${target} names a heading of a file that is not Markdown`)
        continue
      }
      t.ok(anchors(readFileSync(resolved, 'utf8')).has(anchor), `${file}: link ${target} names a heading of ${path || file}`)
    }
  }
  t.ok(checked > 0, `${checked} relative links checked`)
})

t.test('anchors are GitHub\'s', async (t) => {
  t.same([...anchors('# Throttling (429 `APIGW.0308`)\n## Credentials for `--auth strict`\n```sh\n# not a heading\n```\n## Endpoint override (Node.js SDK core)\n## Notes\n## Notes')],
    ['throttling-429-apigw0308', 'credentials-for---auth-strict', 'endpoint-override-nodejs-sdk-core', 'notes', 'notes-1'])
  t.same(links('see [a](x.md#y) and ![b](img.png) `[c](not-a-link)`\n```\n[d](in-code)\n```'), ['x.md#y', 'img.png'])
})

t.test('the README and docs/ links hold inside the published package too (package.json "files" ships what they name)', async (t) => {
  const shipped = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files
  // npm always packs README.md, LICENSE and package.json beside "files".
  const packed = (path: string): boolean => ['README.md', 'LICENSE', 'package.json'].includes(path) || shipped.some((entry) => path === entry || path.startsWith(entry.replace(/\/?$/, '/')))
  for (const file of docFiles(ROOT)) {
    for (const target of links(readFileSync(join(ROOT, file), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue
      const path = target.split('#', 2)[0]
      if (path === '') continue
      const inRepo = join(dirname(file), decodeURIComponent(path)).replace(/\\/g, '/').replace(/\/$/, '')
      t.ok(packed(inRepo), `${file}: ${target} (${inRepo}) is in the package`)
    }
  }
})
