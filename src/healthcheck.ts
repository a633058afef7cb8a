/**
 * The Docker HEALTHCHECK: exits 0 only when GET /_emulator/health answers 200 in time.
 * It runs inside the container beside the server, so it reads the server's own WKS_EMULATOR_*
 * variables; a port or token given as a CLI flag instead is invisible to it.
 */
const TIMEOUT_MS = 2000 // below the Dockerfile's --timeout=3s, so a hung server is reported, not killed

function healthUrl (env: NodeJS.ProcessEnv): string {
  const port = env.WKS_EMULATOR_PORT || '8080'
  if (!/^\d+$/.test(port) || Number(port) === 0 || Number(port) > 65535) throw new Error(`no usable WKS_EMULATOR_PORT ${JSON.stringify(port)}`)
  // A wildcard bind is reachable on loopback; a specific address may be the only one that answers.
  const bind = env.WKS_EMULATOR_HOST
  const host = !bind || bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/_emulator/health`
}

async function check (env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const token = env.WKS_EMULATOR_ADMIN_TOKEN
  const res = await fetch(healthUrl(env), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(TIMEOUT_MS)
  })
  await res.body?.cancel()
  return res.status === 200 ? undefined : `health answered ${res.status}`
}

check(process.env).then((problem) => {
  if (problem) process.stderr.write(`unhealthy: ${problem}\n`)
  process.exit(problem ? 1 : 0)
}, (err: unknown) => {
  // Docker keeps this line in the container's health log, so name the cause (ECONNREFUSED, a timeout).
  const { message, cause } = err as Error & { cause?: { code?: string } }
  process.stderr.write(`unhealthy: ${message}${cause?.code ? ` (${cause.code})` : ''}\n`)
  process.exit(1)
})
