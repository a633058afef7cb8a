/**
 * The origins `--cors` lets call the emulator from a browser. `anyOrigin` (`--cors '*'`) covers
 * the emulated API only: the control plane answers the origins listed by name and no others.
 */
export interface CorsPolicy {
  anyOrigin: boolean
  /** Serialized origins (RFC 6454 §6.2: lowercase scheme and host, no default port), as browsers send them. */
  origins: ReadonlySet<string>
}

/**
 * Reads `--cors`: `*`, or a comma list of origins such as `http://localhost:5173`. Throws an Error
 * whose message says what is wrong with the first bad entry.
 */
export function parseCorsOrigins (text: string): CorsPolicy {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')
  if (entries.length === 0) throw new Error('expected * or a comma list of origins')
  const origins = new Set<string>()
  let anyOrigin = false
  for (const entry of entries) {
    if (entry === '*') anyOrigin = true
    else origins.add(serializeOrigin(entry))
  }
  return { anyOrigin, origins }
}

function serializeOrigin (entry: string): string {
  const problem = `${JSON.stringify(entry)} is not an origin: write scheme://host[:port], e.g. http://localhost:5173`
  let url: URL
  try {
    url = new URL(entry)
  } catch {
    throw new Error(problem)
  }
  // An origin has no path, query, fragment or credentials; a lone trailing slash is forgiven.
  const bare = url.pathname === '/' && !/[?#@]/.test(entry)
  if (!bare || !/^https?:$/.test(url.protocol)) throw new Error(problem)
  return url.origin
}
