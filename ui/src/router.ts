import { useEffect, useState } from 'preact/hooks'
import { DASHBOARD_URL } from '../../src/control/route-paths.js'

/** The dashboard's path below /_emulator/ui ('' for the journal). */
const current = (): string => location.pathname.startsWith(DASHBOARD_URL) ? location.pathname.slice(DASHBOARD_URL.length).replace(/^\/+|\/+$/g, '') : ''

export function navigate (path: string): void {
  history.pushState(null, '', `${DASHBOARD_URL}/${path}`)
  dispatchEvent(new PopStateEvent('popstate'))
}

export function useRoute (): string[] {
  const [path, setPath] = useState(current())
  useEffect(() => {
    const update = () => setPath(current())
    addEventListener('popstate', update)
    return () => removeEventListener('popstate', update)
  }, [])
  return path === '' ? [] : path.split('/').map(decodeURIComponent)
}

export const transactionPath = (projectId: string, transactionId: string): string =>
  `transactions/${encodeURIComponent(projectId)}/${encodeURIComponent(transactionId)}`
