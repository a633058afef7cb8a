import t from 'tap'
import { join } from 'node:path'
import { loadCredentials, parseCredentials } from '../../src/config/credentials.js'
import { buildApp } from '../../src/app.js'
import { ConfigError, resolveConfig } from '../../src/config/config.js'
import { runCli } from '../cli/run-cli.js'

const GOOD = {
  aksk: [{ ak: 'AK1', sk: 'sk-1' }, { ak: 'AK2', sk: 'sk-2', security_token: 'st', expires_at: '2030-01-01T00:00:00+08:00' }],
  tokens: [{ token: 'tok-1' }, { token: 'tok-2', expires_at: '2030-01-01T00:00:00Z' }]
}

t.test('a good file is indexed by AK, expiries as epoch ms', async (t) => {
  const credentials = parseCredentials(JSON.stringify(GOOD), 'test')
  t.same([...credentials.aksk.entries()], [
    ['AK1', { sk: 'sk-1', securityToken: undefined, expiresAt: undefined }],
    ['AK2', { sk: 'sk-2', securityToken: 'st', expiresAt: Date.UTC(2029, 11, 31, 16) }]
  ])
  t.same(credentials.tokens, [{ token: 'tok-1', expiresAt: undefined }, { token: 'tok-2', expiresAt: Date.UTC(2030, 0, 1) }])
  t.equal(parseCredentials('{"tokens":[{"token":"t"}]}', 'x').aksk.size, 0, 'tokens alone are enough')
})

t.test('every problem is one line naming the source and the field, never a value', async (t) => {
  const cases: Array<[string, string]> = [
    ['[]', 'test: the document must be object'],
    ['{"aksk": [{"ak": "AK1"}]}', 'test: field aksk[0].sk is required'],
    ['{"aksk": [{"ak": "AK1", "sk": "s", "region": "x"}]}', 'test: field aksk[0].region is not an allowed field'],
    ['{"aksk": [{"ak": "A,K", "sk": "s"}]}', 'test: field aksk[0].ak must be visible ASCII characters other than a comma'],
    ['{"aksk": [{"ak": "AK", "sk": ""}]}', 'test: field aksk[0].sk must not be empty'],
    ['{"aksk": [{"ak": "AK", "sk": "s", "security_token": "a b"}]}', 'test: field aksk[0].security_token must be visible ASCII characters (no spaces)'],
    ['{"tokens": [{"token": "t", "expires_at": "tomorrow"}]}', 'test: field tokens[0].expires_at must be an ISO 8601 date-time with a zone, e.g. 2030-01-01T00:00:00Z'],
    ['{"tokens": [{"token": "t", "expires_at": "2030-02-30T00:00:00Z"}]}', 'test: field tokens[0].expires_at is not a real date-time'],
    ['{"tokens": [{"token": "t", "expires_at": "2030-01-01T00:00:00"}]}', 'test: field tokens[0].expires_at must be an ISO 8601 date-time with a zone, e.g. 2030-01-01T00:00:00Z'],
    ['{"aksk": [{"ak": "AK", "sk": "a"}, {"ak": "AK", "sk": "b"}]}', 'test: field aksk[1].ak repeats an earlier AK'],
    ['{"tokens": [{"token": "t"}, {"token": "t"}]}', 'test: field tokens[1].token repeats an earlier token'],
    ['{"aksk": [], "tokens": []}', 'test: no credentials (aksk and tokens are both empty)'],
    ['{}', 'test: no credentials (aksk and tokens are both empty)']
  ]
  for (const [text, message] of cases) t.throws(() => parseCredentials(text, 'test'), new ConfigError(message), message)
  const json = t.throws(() => parseCredentials('{"aksk": [{"ak": "AK1", "sk": "s3cr3t"}', 'test')) as Error
  t.match(json.message, /^test: not valid JSON \(at position \d+\)$/, 'V8 quotes the text around the error; only the position is kept')
  t.throws(() => parseCredentials('{"tokens": [{"token": "t", "expires_at": "2030-01-01T24:00:00Z"}]}', 'test'), new ConfigError('test: field tokens[0].expires_at is not a real date-time'))
})

t.test('the file wins over WKS_EMULATOR_CREDENTIALS; neither is an error', async (t) => {
  const dir = t.testdir({ 'creds.json': JSON.stringify({ tokens: [{ token: 'from-file' }] }) })
  const file = join(dir, 'creds.json')
  const env = JSON.stringify({ tokens: [{ token: 'from-env' }] })
  t.equal(loadCredentials({ credentials: file, credentialsJson: env }).tokens[0].token, 'from-file')
  t.equal(loadCredentials({ credentialsJson: env }).tokens[0].token, 'from-env')
  t.throws(() => loadCredentials({ credentialsJson: '{"tokens": 1}' }), new ConfigError('WKS_EMULATOR_CREDENTIALS: field tokens must be array'))
  t.throws(() => loadCredentials({ credentials: join(dir, 'nope.json') }), new ConfigError(`credentials file ${join(dir, 'nope.json')}: cannot be read (ENOENT)`))
  t.throws(() => loadCredentials({}), new ConfigError('--auth strict needs credentials: --credentials FILE, or the JSON itself in WKS_EMULATOR_CREDENTIALS'))
})

t.test('buildApp refuses --auth strict without good credentials; other modes ignore them', async (t) => {
  await t.rejects(buildApp(resolveConfig({ logLevel: 'silent', auth: 'strict' })),
    new ConfigError('--auth strict needs credentials: --credentials FILE, or the JSON itself in WKS_EMULATOR_CREDENTIALS'))
  await t.rejects(buildApp(resolveConfig({ logLevel: 'silent', auth: 'strict', credentialsJson: '{"aksk": [{}]}' })),
    new ConfigError('WKS_EMULATOR_CREDENTIALS: field aksk[0].ak is required'))
  const app = await buildApp(resolveConfig({ logLevel: 'silent', auth: 'relaxed', credentials: '/nonexistent.json' }))
  await app.close()
})

t.test('the CLI: one clear line and exit 2; secrets stay out of it', async (t) => {
  const dir = t.testdir({ 'bad.json': '{"aksk": [{"ak": "AK1", "sk": "TOP-SECRET"}], "tokens": [{"token": "TOP-SECRET-TOKEN", "expires_at": "soon"}]}' })
  const file = join(dir, 'bad.json')
  const bad = await runCli(['--auth', 'strict', '--credentials', file])
  t.equal(bad.code, 2)
  t.equal(bad.stderr, `wks-emulator: credentials file ${file}: field tokens[0].expires_at must be an ISO 8601 date-time with a zone, e.g. 2030-01-01T00:00:00Z\n`)
  t.equal(bad.stdout, '')
  const none = await runCli(['--auth', 'strict'])
  t.equal(none.code, 2)
  t.equal(none.stderr, 'wks-emulator: --auth strict needs credentials: --credentials FILE, or the JSON itself in WKS_EMULATOR_CREDENTIALS\n')
  const env = await runCli(['--auth', 'strict'], { WKS_EMULATOR_CREDENTIALS: '{"aksk": [{"ak": "AK1", "sk": "TOP-SECRET"' })
  t.equal(env.code, 2)
  t.match(env.stderr, /^wks-emulator: WKS_EMULATOR_CREDENTIALS: not valid JSON( \(at position \d+\))?\n$/)
  t.notMatch(env.stderr, 'TOP-SECRET')
  const flag = await runCli(['--lockout-threshold', '-1'])
  t.equal(flag.stderr, 'wks-emulator: invalid --lockout-threshold "-1": expected an integer from 0 to 1000\n')
})
