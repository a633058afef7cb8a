import t from 'tap'
import { runCli, startCli } from './run-cli.js'

// Issue #12, input 3: an admin token must be one a client can send; Bearer in any case (RFC 7235).

t.test('an admin token no client could send is refused at start, without echoing it', async (t) => {
  for (const token of ['tök€n', 'tok ', ' tok', 'to ken', 'tok\t']) {
    const flag = await runCli(['--port', '0', '--admin-token', token])
    t.equal(flag.code, 2, JSON.stringify(token))
    t.equal(flag.stderr, 'wks-emulator: invalid --admin-token: expected visible ASCII characters (no spaces)\n', JSON.stringify(token))
  }
  const env = await runCli(['--port', '0'], { WKS_EMULATOR_ADMIN_TOKEN: 'tök€n' })
  t.equal(env.code, 2)
  t.equal(env.stderr, 'wks-emulator: invalid WKS_EMULATOR_ADMIN_TOKEN: expected visible ASCII characters (no spaces)\n')
})

t.test('the admin token is matched with the Bearer scheme in any case (RFC 7235)', async (t) => {
  const server = await startCli(t, ['--log-level', 'warn', '--admin-token', 'S3cr3t!'])
  for (const authorization of ['Bearer S3cr3t!', 'bearer S3cr3t!', 'BEARER  S3cr3t!']) {
    t.equal((await fetch(server.url + '/_emulator/health', { headers: { authorization } })).status, 200, authorization)
  }
  for (const authorization of ['Bearer s3cr3t!', 'Bearer S3cr3t', 'S3cr3t!', 'Basic S3cr3t!', 'BearerS3cr3t!']) {
    t.equal((await fetch(server.url + '/_emulator/health', { headers: { authorization } })).status, 401, authorization)
  }
})
