import { isIP } from 'node:net'
import { bareName } from './host-names.js'

/**
 * Reads `--allowed-hosts`: a comma list of host names (`emulator.lan,wks-emulator`) under which
 * browser requests are answered besides `localhost` and IP literals. Names are kept as browsers
 * send them in Host: lowercase, an IDN in punycode, no trailing dot. Throws an Error whose message
 * says what is wrong with the first bad entry.
 */
export function parseAllowedHosts (text: string): Set<string> {
  const entries = text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '')
  if (entries.length === 0) throw new Error('expected a comma list of host names')
  return new Set(entries.map(hostName))
}

function hostName (entry: string): string {
  const problem = `${JSON.stringify(entry)} is not a host name: write the name alone, without scheme or port, e.g. emulator.lan`
  if (isIP(entry) !== 0) return entry
  let url: URL
  try {
    url = new URL(`http://${entry}`)
  } catch {
    throw new Error(problem)
  }
  // Anything beside the name (a port, a path, credentials) makes the URL's host differ from it.
  const name = url.hostname
  if (url.host !== name || !/^[^/?#@:]+$/.test(entry) || name.startsWith('[')) throw new Error(problem)
  return bareName(name)
}
