import { fileURLToPath } from 'node:url'

/**
 * Where `npm run build` writes the dashboard: dist/ui/ of the package. This module sits one level
 * below the package root wherever it runs from (src/ under tsx, dist/ as tsc wrote it, or bundled
 * into dist/server.js), so the same relative URL finds it.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../dist/ui/', import.meta.url))
