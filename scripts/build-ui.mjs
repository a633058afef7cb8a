// The dashboard: ui/ (Preact, TSX) bundled by esbuild into dist/ui/, which the emulator serves at
// /_emulator/ui. One script and one stylesheet, minified, no source maps shipped: the page weighs
// a few kilobytes gzipped and loads nothing from elsewhere.
import { copyFile, mkdir, rm } from 'node:fs/promises'
import { build } from 'esbuild'

const out = 'dist/ui'
await rm(out, { recursive: true, force: true })
await mkdir(`${out}/assets`, { recursive: true })
await build({
  entryPoints: { app: 'ui/src/main.tsx' },
  outdir: `${out}/assets`,
  bundle: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: 'ui/tsconfig.json',
  legalComments: 'none',
  logLevel: 'warning'
})
await copyFile('ui/index.html', `${out}/index.html`)
