// The baseline: Fastify with nothing but one route answering the emulator's documented 200 body.
// It is the most this stack can serve on this machine, so the emulator is measured against it.
import Fastify from 'fastify'

const BODY = '{"username":"user001","biz_type":"APP","stages":[{"stage":"LOGIN","duration":500,"is_success":true,' +
  '"start_time":1724328355052,"end_time":1724328355052,"error_code":"WKS.00000000","error_msg":"OK"}]}'

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
