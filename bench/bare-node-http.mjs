// The floor under every Node HTTP server on this machine: node:http answering every request
// with one body serialised once at start, the headers the emulator sends, no routing and no
// parsing. The body comes from WKS_BENCH_BODY (the bench passes the documented example).
import { createServer } from 'node:http'

const BODY = Buffer.from(process.env.WKS_BENCH_BODY ?? '{}')
const HEADERS = ['content-type', 'application/json; charset=utf-8', 'content-length', String(BODY.length)]

const port = Number(process.argv[2] ?? 0)
const server = createServer((_req, res) => {
  res.writeHead(200, HEADERS)
  res.end(BODY)
})
// Keep-alive as long as Fastify's default, so both bare servers hold connections alike.
server.keepAliveTimeout = 72_000
const close = () => server.close(() => process.exit(0))
process.once('SIGTERM', close)
process.once('SIGINT', close)
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`Server listening at http://127.0.0.1:${server.address().port}\n`)
})
