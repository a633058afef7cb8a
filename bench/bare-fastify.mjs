// The baseline: Fastify with nothing but one route answering the emulator's documented 200 body
// (from WKS_BENCH_BODY, which the bench sets). It is the most this stack can serve on this
// machine, so the emulator is measured against it.
import Fastify from 'fastify'

const BODY = process.env.WKS_BENCH_BODY ?? '{}'

const port = Number(process.argv[2] ?? 0)
const app = Fastify({ logger: false })
app.get('/v2/:project_id/statistics/metrics/access-stages', (_request, reply) => {
  reply.type('application/json; charset=utf-8').send(BODY)
})
const close = () => app.close().then(() => process.exit(0))
process.once('SIGTERM', close)
process.once('SIGINT', close)
await app.listen({ host: '127.0.0.1', port })
process.stdout.write(`Server listening at http://127.0.0.1:${app.server.address().port}\n`)
