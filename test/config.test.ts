import t from 'tap'
import { BUNDLED_FIXTURES, ConfigError, helpText, parseConfig } from '../src/config/config.js'

t.test('defaults are the contract\'s', async (t) => {
  t.same({ ...parseConfig([]) }, {
    host: '127.0.0.1',
    port: 8080,
    db: ':memory:',
    fixtures: BUNDLED_FIXTURES,
    auth: 'relaxed',
    unknownTransaction: 'error',
    upstreamTimeout: 10000,
    record: false,
    journalSize: 10000,
    logLevel: 'info',
    seed: 0,
    prefer: true,
    clockOffset: 0,
    fastPath: true,
    workers: 1,
    shutdownGrace: 5
  })
})

t.test('flags win over WKS_EMULATOR_* variables', async (t) => {
  const env = { WKS_EMULATOR_PORT: '9000', WKS_EMULATOR_AUTH: 'off', WKS_EMULATOR_UNKNOWN_TRANSACTION: 'empty' }
  const config = parseConfig(['--port', '9100', '--unknown-transaction=generate', '--no-fixtures', '--no-prefer'], env)
  t.equal(config.port, 9100)
  t.equal(config.auth, 'off')
  t.equal(config.unknownTransaction, 'generate')
  t.equal(config.fixtures, false)
  t.equal(config.prefer, false)
  t.ok(Object.isFrozen(config))
})

t.test('--no-fast-path and WKS_EMULATOR_FAST_PATH=0 turn the fast path off', async (t) => {
  t.equal(parseConfig(['--no-fast-path']).fastPath, false)
  t.equal(parseConfig([], { WKS_EMULATOR_FAST_PATH: '0' }).fastPath, false)
  t.equal(parseConfig([], { WKS_EMULATOR_FAST_PATH: 'false' }).fastPath, false)
  t.equal(parseConfig([], { WKS_EMULATOR_FAST_PATH: '1' }).fastPath, true)
  t.throws(() => parseConfig([], { WKS_EMULATOR_FAST_PATH: 'sometimes' }), /invalid WKS_EMULATOR_FAST_PATH "sometimes": expected true or false/)
  t.match(helpText(), '--no-fast-path')
})

t.test('WKS_EMULATOR_NO_FIXTURES is read like the other switches, and a bad value is refused', async (t) => {
  for (const value of ['1', 'true', 'TRUE']) t.equal(parseConfig([], { WKS_EMULATOR_NO_FIXTURES: value }).fixtures, false, value)
  for (const value of ['0', 'false', '']) t.equal(parseConfig([], { WKS_EMULATOR_NO_FIXTURES: value }).fixtures, BUNDLED_FIXTURES, JSON.stringify(value))
  for (const value of ['yes', 'on', '2']) {
    t.throws(() => parseConfig([], { WKS_EMULATOR_NO_FIXTURES: value }), new ConfigError(`invalid WKS_EMULATOR_NO_FIXTURES ${JSON.stringify(value)}: expected true or false`), value)
  }
})

t.test('credentials: a file by flag, the JSON itself by WKS_EMULATOR_CREDENTIALS', async (t) => {
  const config = parseConfig(['--credentials', 'c.json'], { WKS_EMULATOR_CREDENTIALS: '{"tokens":[]}' })
  t.equal(config.credentials, 'c.json')
  t.equal(config.credentialsJson, '{"tokens":[]}')
})

t.test('bad values are one clear line', async (t) => {
  const cases: Array<[string[], Record<string, string>, string]> = [
    [['--port', 'abc'], {}, 'invalid --port "abc": expected an integer from 0 to 65535'],
    [['--port', '70000'], {}, 'invalid --port "70000": expected an integer from 0 to 65535'],
    [['--auth', 'maybe'], {}, 'invalid --auth "maybe": expected one of off, relaxed, strict'],
    [[], { WKS_EMULATOR_LOG_LEVEL: 'loud' }, 'invalid WKS_EMULATOR_LOG_LEVEL "loud": expected one of fatal, error, warn, info, debug, trace, silent'],
    [['--frobnicate'], {}, 'unknown flag --frobnicate (see --help)'],
    [['--db'], {}, '--db needs a value'],
    // A number that is not a whole decimal one is refused, never cut to its leading digits.
    [['--clock-offset', '1e3'], {}, 'invalid --clock-offset "1e3": expected an integer from -3153600000000 to 3153600000000'],
    [['--clock-offset', '1.5'], {}, 'invalid --clock-offset "1.5": expected an integer from -3153600000000 to 3153600000000'],
    [['--port', '0x10'], {}, 'invalid --port "0x10": expected an integer from 0 to 65535'],
    [[], { WKS_EMULATOR_LOCKOUT_SECONDS: '2.5' }, 'invalid WKS_EMULATOR_LOCKOUT_SECONDS "2.5": expected an integer from 1 to 86400'],
    // A value with a grammar of its own names where it came from too.
    [[], { WKS_EMULATOR_RATE_LIMIT: 'user=10/h' }, 'invalid WKS_EMULATOR_RATE_LIMIT "user=10/h": the unit is s (sec, second) or min (m, minute)'],
    [['--rate-limit=user=10/h'], {}, 'invalid --rate-limit "user=10/h": the unit is s (sec, second) or min (m, minute)'],
    [[], { WKS_EMULATOR_LATENCY: 'fixed:ms=1,ms=2' }, 'invalid WKS_EMULATOR_LATENCY "fixed:ms=1,ms=2": ms is given twice']
  ]
  for (const [argv, env, message] of cases) {
    t.throws(() => parseConfig(argv, env), new ConfigError(message), argv.join(' ') || JSON.stringify(env))
  }
})

t.test('integers are read as written, sign and surrounding spaces allowed', async (t) => {
  t.equal(parseConfig(['--clock-offset', '-60000']).clockOffset, -60000)
  t.equal(parseConfig(['--clock-offset', '+1000']).clockOffset, 1000)
  t.equal(parseConfig([], { WKS_EMULATOR_PORT: ' 8081 ' }).port, 8081)
})

t.test('--help lists every flag with its variable', async (t) => {
  const text = helpText()
  for (const flag of ['--host', '--port', '--db', '--fixtures', '--no-fixtures', '--auth', '--credentials', '--unknown-transaction',
    '--journal-size', '--log-level', '--admin-token', '--seed', '--faults', '--no-prefer']) t.match(text, flag)
  t.match(text, 'WKS_EMULATOR_UNKNOWN_TRANSACTION')
})

t.test('--help says which values each flag accepts', async (t) => {
  const text = helpText()
  t.match(text, /--auth .* Values: off, relaxed, strict\. \(default relaxed\)/)
  t.match(text, /--unknown-transaction .* Values: error, empty, generate, proxy\./)
  t.match(text, /--log-level .* Values: fatal, error, warn, info, debug, trace, silent\./)
  t.match(text, /--port .* Values: 0 to 65535\. \(default 8080\)/)
  t.match(text, /--shutdown-grace .* Values: 0 to 300\. \(default 5\)/)
  t.match(text, /--version/)
})
