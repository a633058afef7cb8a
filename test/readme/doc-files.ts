import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

/**
 * The Markdown files whose examples run and whose links are checked, relative to `root`: README.md,
 * then every `*.md` under docs/ in path order, found by walking the folder so that a new page is
 * picked up without being listed anywhere.
 */
export function docFiles (root: string): string[] {
  const pages: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile() && entry.name.endsWith('.md')) pages.push(relative(root, path).split('\\').join('/'))
    }
  }
  walk(join(root, 'docs'))
  // Code-unit order, not the locale's: the same on every machine.
  pages.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return ['README.md', ...pages]
}
