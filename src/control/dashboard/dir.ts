import { packagePath } from '../../config/package-root.js'

/** Where `npm run build` writes the dashboard: dist/ui/ of the package. */
export const DASHBOARD_DIR = packagePath('dist', 'ui') + '/'
