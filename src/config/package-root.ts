import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The package's own folder (the one holding its package.json), found by walking up from this
 * module: the same answer from src/ under tsx, from dist/ as tsc writes it, and from the one-file
 * bundle dist/server.js, whose modules sit at other depths.
 */
function findPackageRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('wks-emulator: no package.json above ' + fileURLToPath(import.meta.url))
    dir = parent
  }
  return dir
}

export const PACKAGE_ROOT = findPackageRoot()

/** A path inside the package, from its root (`fixtures/`, `dist/ui/`, `package.json`). */
export const packagePath = (...parts: string[]): string => join(PACKAGE_ROOT, ...parts)
