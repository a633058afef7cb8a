import t from 'tap'
import dns from 'node:dns'
import { createServerSet } from '../../src/runtime/http/servers.js'
import { build, captureLogs, DOC_PATH } from '../helper.js'
import { rawExchange, requestBytes } from './raw-http.js'

// `--host localhost` on a dual-stack machine, where localhost is 127.0.0.1 and ::1. The emulator
// listens on one of them and says which: every address it serves then gets the fast path and the
// catalogue answers where Node would answer on its own (CONNECT, Expect, bytes that are not HTTP).
// (Fastify on its own would add a server for ::1 with none of these answers.)

const NAME = 'localhost'
const ADDRESSES = [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }]

type Lookup = typeof dns.lookup
const realLookup: Lookup = dns.lookup
// A lookup stub giving localhost both addresses, whatever this machine's resolver says.
const stub = ((hostname: string, options: unknown, callback?: unknown) => {
  if (hostname !== NAME) return (realLookup as (...args: unknown[]) => void)(hostname, options, callback)
  const done = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true
  process.nextTick(() => all ? done(null, ADDRESSES) : done(null, ADDRESSES[0].address, ADDRESSES[0].family))
}) as Lookup
dns.lookup = stub
t.teardown(() => { dns.lookup = realLookup })

const EXCHANGES: Array<{ name: string, bytes: Buffer | string, method?: string, status: number }> = [
  { name: 'the documented lookup', bytes: requestBytes('GET', DOC_PATH, [['Host', NAME], ['X-Auth-Token', 't'], ['Connection', 'close']]), status: 200 },
  { name: 'CONNECT', bytes: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', method: 'CONNECT', status: 404 },
  { name: 'an Expect other than 100-continue', bytes: `GET ${DOC_PATH} HTTP/1.1\r\nHost: ${NAME}\r\nExpect: teapot\r\nConnection: close\r\n\r\n`, status: 417 },
  { name: 'bytes that are not HTTP', bytes: 'HELLO\r\n\r\n', status: 400 }
]

t.test('--host localhost with two addresses: one is listened on, named in the log, and answers as always', async (t) => {
  const servers = createServerSet()
  const logs = captureLogs()
  const app = await build(t, { host: NAME, logLevel: 'info' }, { servers, logStream: logs.stream })
  await app.listen({ host: NAME, port: 0 })
  const port = (app.server.address() as { port: number }).port
  t.same(app.addresses().map((a) => (a as { address: string }).address), ['127.0.0.1'], 'one address')
  t.equal(servers.count(), 1, 'one server, made with the fast path and the protocol answers')
  t.ok(servers.inFrontOf(app.server), 'the fast path is in front')
  // Said once the lookup behind it answers, which may be just after listen() resolved.
  for (let i = 0; i < 100 && !logs.entries().some((l) => l.host === NAME); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  const said = logs.entries().find((l) => l.host === NAME)
  t.match(said, { addresses: ['127.0.0.1', '::1'], listening: '127.0.0.1', msg: 'localhost has 2 addresses; listening on 127.0.0.1 only' })
  for (const { name, bytes, method, status } of EXCHANGES) {
    const { responses: [res] } = await rawExchange(port, bytes, { end: false, methods: [method ?? 'GET'] })
    t.equal(res?.status, status, name)
    t.match(res?.headers['content-type'], /^application\/json/, `${name}: a catalogue answer`)
  }
  const v6 = await rawExchange(port, EXCHANGES[0].bytes, { host: '::1', end: false })
  t.equal(v6.responses.length, 0, 'nothing else listens on ::1')
})
