/** A host name compared as one: lowercase, without the trailing dot of a fully qualified name. */
export const bareName = (name: string): string => (name.endsWith('.') ? name.slice(0, -1) : name).toLowerCase()

/** `names` and the host names of `origins` (the `--cors` list), which count as listed. */
export function withOriginHosts (names: ReadonlySet<string> | undefined, origins: Iterable<string>): Set<string> {
  const all = new Set(names)
  for (const origin of origins) {
    const { hostname } = new URL(origin)
    if (!hostname.startsWith('[')) all.add(bareName(hostname))
  }
  return all
}
