import t from 'tap'
import { connect } from 'node:net'
import { Writable } from 'node:stream'
import { build, DOC_PROJECT, DOC_TRANSACTION, stagesUrl } from '../helper.js'

// Issue #12, input 7: a client that announces a body and goes away before sending it is no
// internal failure: no error-level line, no stack, and the emulator carries on.

t.test('--auth strict: a body cut short by the client is logged at info without a stack', async (t) => {
  const lines: Array<Record<string, unknown>> = []
  const logStream = new Writable({ write (chunk, _enc, done) { lines.push(...chunk.toString().split('\n').filter(Boolean).map((l: string) => JSON.parse(l))); done() } })
  const app = await build(t, { auth: 'strict', credentialsJson: JSON.stringify({ tokens: [{ token: 'tok' }] }), logLevel: 'info' }, { logStream })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const target = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)
  await new Promise<void>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: tok\r\nContent-Length: 100\r\n\r\nabc`)
      setTimeout(() => socket.destroy(), 100)
    })
    socket.on('close', () => resolve())
    socket.on('error', () => {})
  })
  // Let the server notice the closed socket and finish the request.
  for (let i = 0; i < 100 && !lines.some((l) => l.msg === 'request'); i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.same(lines.filter((l) => (l.level as number) >= 50), [], 'nothing at error level')
  t.notMatch(JSON.stringify(lines), /"stack"/, 'no stack anywhere')
  t.match(lines.find((l) => l.msg === 'the client closed the connection before its request was complete'), { level: 30, code: 'ECONNRESET' })
  const after = await fetch(`http://127.0.0.1:${port}${target}`, { headers: { 'x-auth-token': 'tok' } })
  t.equal(after.status, 200, 'the emulator carries on')
})
