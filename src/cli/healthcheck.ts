import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

/**
 * The Docker HEALTHCHECK: exits 0 only when GET /_emulator/health answers 200 in time.
 * It runs inside the container beside the server, so it reads the server's own WKS_EMULATOR_*
 * variables; a port, token or TLS setting given as a CLI flag instead is invisible to it.
 */
const TIMEOUT_MS = 2000 // below the Dockerfile's --timeout=3s, so a hung server is reported, not killed

function healthUrl (env: NodeJS.ProcessEnv): URL {
  const port = env.WKS_EMULATOR_PORT || '8080'
  if (!/^\d+$/.test(port) || Number(port) === 0 || Number(port) > 65535) throw new Error(`no usable WKS_EMULATOR_PORT ${JSON.stringify(port)}`)
  // A wildcard bind is reachable on loopback; a specific address may be the only one that answers.
  const bind = env.WKS_EMULATOR_HOST
  const host = !bind || bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind
  // With TLS the same port speaks only HTTPS.
  const scheme = env.WKS_EMULATOR_TLS || env.WKS_EMULATOR_TLS_CERT ? 'https' : 'http'
  return new URL(`${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}/_emulator/health`)
}

function check (env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const url = healthUrl(env)
  const token = env.WKS_EMULATOR_ADMIN_TOKEN
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      timeout: TIMEOUT_MS,
      // The probe asks the server beside it whether it is alive, not who it is: a certificate
      // mounted for other names (or self-signed) must not make a live server unhealthy.
      rejectUnauthorized: false
    }, (res) => {
      res.resume()
      resolve(res.statusCode === 200 ? undefined : `health answered ${res.statusCode}`)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within the ${TIMEOUT_MS} ms timeout`)))
    req.on('error', reject)
    req.end()
  })
}

check(process.env).then((problem) => {
  if (problem) process.stderr.write(`unhealthy: ${problem}\n`)
  process.exit(problem ? 1 : 0)
}, (err: unknown) => {
  // Docker keeps this line in the container's health log, so name the cause (ECONNREFUSED, a timeout).
  const { message, code } = err as Error & { code?: string }
  process.stderr.write(`unhealthy: ${message}${code && !message.includes(code) ? ` (${code})` : ''}\n`)
  process.exit(1)
})
