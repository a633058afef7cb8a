import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'

/**
 * The Markdown files whose examples run and whose links are checked, relative to `root`: README.md,
 * then every `*.md` under docs/ in path order, found by walking the folder so that a new page is
 * picked up without being listed anywhere.
 */
export function docFiles (root: string): string[] {
  return ['README.md', ...markdownUnder(root, 'docs', (name) => name.endsWith('.md'))]
}

/** The READMEs of the folders of src/, which say what a folder is for (their links are checked too). */
export const folderReadmes = (root: string): string[] => markdownUnder(root, 'src', (name) => name === 'README.md')

function markdownUnder (root: string, folder: string, wanted: (name: string) => boolean): string[] {
  const found: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile() && wanted(entry.name)) found.push(relative(root, path).split('\\').join('/'))
    }
  }
  walk(join(root, folder))
  // Code-unit order, not the locale's: the same on every machine.
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
