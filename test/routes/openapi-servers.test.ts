import t from 'tap'
import { startEmulator } from '../../src/index.js'
import { build } from '../helper.js'

// Issue #12, input 8: the served document said http://127.0.0.1:8080 whatever the port.
t.test('the served OpenAPI document names the address the emulator was reached at', async (t) => {
  const emulator = await startEmulator()
  t.teardown(() => emulator.close())
  const doc = await (await fetch(`${emulator.url}/_emulator/openapi.json`)).json() as { servers: Array<{ url: string }> }
  t.same(doc.servers, [{ url: emulator.url }])

  const app = await build(t)
  const viaHost = await app.inject({ url: '/_emulator/openapi.json', headers: { host: 'workspace:9090' } })
  t.same(viaHost.json().servers, [{ url: 'http://workspace:9090' }], 'behind a compose service name, the name the client used')
})
