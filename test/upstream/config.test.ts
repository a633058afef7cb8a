import t from 'tap'
import { parseConfig } from '../../src/config/config.js'
import { runCli } from '../cli/run-cli.js'

t.test('flags and environment of forwarding', async (t) => {
  const config = parseConfig(['--unknown-transaction', 'proxy', '--upstream', 'https://workspace.cn-north-4.myhuaweicloud.com', '--record', '--upstream-timeout', '2500'])
  t.match(config, { unknownTransaction: 'proxy', upstream: 'https://workspace.cn-north-4.myhuaweicloud.com', record: true, upstreamTimeout: 2500 })
  t.equal(parseConfig([]).upstreamTimeout, 10_000, 'default 10 s')
  t.match(parseConfig([], { WKS_EMULATOR_UNKNOWN_TRANSACTION: 'proxy', WKS_EMULATOR_UPSTREAM: 'http://127.0.0.1:1', WKS_EMULATOR_RECORD: 'true', WKS_EMULATOR_UPSTREAM_CREDENTIALS_FILE: 'c.json' }),
    { unknownTransaction: 'proxy', upstream: 'http://127.0.0.1:1', record: true, upstreamCredentials: 'c.json' })
  t.throws(() => parseConfig(['--unknown-transaction', 'proxy']), { message: '--unknown-transaction proxy needs --upstream URL, the service to forward to' })
  t.throws(() => parseConfig(['--record']), { message: '--record needs --unknown-transaction proxy' })
  t.throws(() => parseConfig(['--upstream-credentials', 'c.json']), { message: '--upstream-credentials needs --unknown-transaction proxy' })
  t.throws(() => parseConfig(['--upstream', 'ftp://x']), { message: 'invalid --upstream "ftp://x": expected an http:// or https:// URL without query' })
  t.throws(() => parseConfig(['--upstream', 'http://x/?a=1']), { message: 'invalid --upstream "http://x/?a=1": expected an http:// or https:// URL without query' })
  t.throws(() => parseConfig(['--upstream-timeout', '0']), { message: 'invalid --upstream-timeout "0": expected an integer from 1 to 300000' })
})

t.test('a bad upstream credentials file stops start-up in one line, naming no secret', async (t) => {
  const res = await runCli(['--unknown-transaction', 'proxy', '--upstream', 'http://127.0.0.1:9', '--upstream-credentials', '/nonexistent/creds.json'])
  t.same(res, { code: 2, stdout: '', stderr: 'wks-emulator: credentials file /nonexistent/creds.json: cannot be read (ENOENT)\n' })
})
