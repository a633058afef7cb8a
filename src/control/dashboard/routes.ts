import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import Negotiator from 'negotiator'
import { errors } from '../../errors.js'
import { DASHBOARD_URL } from '../route-paths.js'

interface Asset { type: string, raw: Buffer, gzip: Buffer, etag: string, gzipEtag: string }

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8'
}
// The page loads only its own files and talks only to this emulator.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** Reads the built dashboard once: a few small files, kept in memory with their gzip form. */
function loadAssets (dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  const add = (name: string, file: string): void => {
    const raw = readFileSync(file)
    const tag = createHash('sha256').update(raw).digest('base64url').slice(0, 22)
    // A strong ETag names one representation: the gzip form gets its own (RFC 9110 §8.8.1).
    assets.set(name, { type: TYPES[extname(file)] ?? 'application/octet-stream', raw, gzip: gzipSync(raw, { level: 9 }), etag: `"${tag}"`, gzipEtag: `"${tag}-gzip"` })
  }
  add('index.html', join(dir, 'index.html'))
  for (const name of readdirSync(join(dir, 'assets'))) add(`assets/${name}`, join(dir, 'assets', name))
  return assets
}

/** The paths ui/src/main.tsx shows a view for (a trailing slash is the same page). */
const isPage = (path: string): boolean => /^(?:|transactions|faults|transactions\/[^/]+\/.+)\/?$/s.test(path)

/** If-None-Match: `*` or a list of tags, compared weakly (RFC 9110 §13.1.2). */
function notModified (header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  return header.split(',').some((tag) => { const t = tag.trim().replace(/^W\//, ''); return t === '*' || t === etag })
}

/**
 * GET /_emulator/ui[/…]: the dashboard, served from the files `npm run build` wrote (dist/ui/),
 * offline. Its files hold no data, so they are served without the admin token: the page asks for
 * the token and sends it as a bearer header with each control-plane call. A page of the dashboard
 * (its tabs, or a deep link such as /transactions/{project_id}/{transaction_id}) is index.html, whose
 * script reads the path; any other path is a 404, so a mistyped asset never comes back as the page.
 */
export const dashboardRoutes: FastifyPluginAsync<{ dir: string }> = async (app, { dir }) => {
  let assets: Map<string, Asset> | undefined
  const send = (request: FastifyRequest, reply: FastifyReply, name: string) => {
    if (!existsSync(join(dir, 'index.html'))) throw errors.resourceNotFound('dashboard files (run npm run build)')
    assets ??= loadAssets(dir)
    const asset = assets.get(name)
    if (asset === undefined) throw errors.resourceNotFound(`${DASHBOARD_URL}/${name}`)
    // `gzip;q=0` refuses gzip (RFC 9110 §12.5.3); negotiator reads the q-values.
    const gzip = new Negotiator(request).encoding(['gzip', 'identity']) === 'gzip'
    const etag = gzip ? asset.gzipEtag : asset.etag
    reply.header('content-type', asset.type).header('etag', etag).header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff').header('vary', 'accept-encoding')
    if (name === 'index.html') reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer')
    if (notModified(request.headers['if-none-match'], etag)) return reply.code(304).send()
    return gzip ? reply.header('content-encoding', 'gzip').send(asset.gzip) : reply.send(asset.raw)
  }
  const opts = { schema: { hide: true } }
  app.get(DASHBOARD_URL, opts, async (request, reply) => send(request, reply, 'index.html'))
  app.get(`${DASHBOARD_URL}/*`, opts, async (request, reply) => {
    const rest = (request.params as { '*': string })['*']
    if (rest.startsWith('assets/')) return send(request, reply, rest)
    if (isPage(rest)) return send(request, reply, 'index.html')
    throw errors.resourceNotFound(`${DASHBOARD_URL}/${rest}`)
  })
}
