import t, { type Test } from 'tap'
import type { IncomingHttpHeaders } from 'node:http'
import { signRequest } from '../../src/runtime/wire/aksk-signature.js'
import { parseCredentials } from '../../src/config/credentials.js'
import { createLockout } from '../../src/api/auth/lockout.js'
import { timingSafeEqual } from 'node:crypto'
import { CONSTANT_TIME_EQUAL, createStrictAuthenticator, parseSdkDate, safeEqual, verifyStrict } from '../../src/api/auth/strict.js'
import { authError, type AuthRequest, type AuthVerdict } from '../../src/api/auth/types.js'
import { DOC_PROJECT } from '../documented.js'

const AK = 'QTWAOYTTINDUT2QVKYUC'
const SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc'
const DATE = '20191115T033655Z'
const NOW = Date.UTC(2019, 10, 15, 3, 36, 55)
const MIN = 60_000
const IAM = 'Incorrect IAM authentication information: '

const credentials = parseCredentials(JSON.stringify({
  aksk: [
    { ak: AK, sk: SK },
    { ak: 'TEMPAK', sk: 'temp-sk', security_token: 'sec-token-1' },
    { ak: 'OLDAK', sk: 'old-sk', expires_at: '2019-11-15T03:40:00Z' }
  ],
  tokens: [{ token: 'good-token' }, { token: 'old-token', expires_at: '2019-11-15T00:00:00+00:00' }]
}), 'test')

interface Signing { ak?: string, sk?: string, date?: string, signed?: string[], headers?: IncomingHttpHeaders, url?: string, body?: Buffer }

/** A request signed as a client would, over `signed` (default: content-type;host;x-sdk-date). */
function signed ({ ak = AK, sk = SK, date = DATE, signed = ['content-type', 'host', 'x-sdk-date'], headers = {}, url, body }: Signing = {}): AuthRequest {
  const request: AuthRequest = {
    method: 'GET',
    url: url ?? `/v2/${DOC_PROJECT}/statistics/metrics/access-stages?transaction_id=tx%201`,
    headers: { 'content-type': 'application/json', host: '127.0.0.1:8080', 'x-sdk-date': date, ...headers },
    body
  }
  request.headers.authorization = signRequest(request, ak, sk, signed)
  return request
}

function verify (request: AuthRequest, now = NOW, lockout = createLockout()): AuthVerdict {
  return verifyStrict(request, { credentials, lockout, now })
}

/** A refusal whose 401 carries the gateway's `wording`, and whose log detail matches `why`. */
function refused (t: Test, verdict: AuthVerdict, wording: string, why?: string | RegExp): void {
  t.equal(verdict.ok, false, 'refused')
  const error = authError(verdict)
  t.equal(error.statusCode, 401)
  t.equal(error.errorCode, 'APIGW.0301')
  t.equal(error.message, IAM + wording)
  t.equal(error.reason, verdict.reason, 'the error carries the verdict\'s reason code')
  if (why !== undefined) t.match(verdict.detail, why)
}

t.test('a correctly signed request passes; the principal is the AK', async (t) => {
  t.same(verify(signed()), { scheme: 'aksk', principal: AK, ok: true })
  t.same(verify(signed({ signed: ['host', 'x-sdk-date'] })).ok, true, 'any declared set that includes x-sdk-date')
})

t.test('X-Sdk-Date must be within 15 minutes of the clock, either way', async (t) => {
  t.ok(verify(signed(), NOW + 15 * MIN).ok, 'exactly 15 minutes late is still in')
  t.ok(verify(signed(), NOW - 15 * MIN).ok, 'exactly 15 minutes early is still in')
  refused(t, verify(signed(), NOW + 15 * MIN + 1000), 'verify aksk signature fail', /more than 15 minutes/)
  refused(t, verify(signed(), NOW - 15 * MIN - 1000), 'verify aksk signature fail', /more than 15 minutes/)
})

t.test('X-Sdk-Date must be YYYYMMDDTHHMMSSZ, a real instant, and signed', async (t) => {
  for (const date of ['2019-11-15T03:36:55Z', '20191115T033655', '20191332T033655Z', '20191115T246055Z', '']) {
    refused(t, verify(signed({ date })), 'verify aksk signature fail', /X-Sdk-Date|x-sdk-date/)
  }
  refused(t, verify(signed({ signed: ['content-type', 'host'] })), 'verify aksk signature fail', 'x-sdk-date is not among SignedHeaders')
  t.equal(parseSdkDate(DATE), NOW)
  t.equal(parseSdkDate('20240229T000000Z'), Date.UTC(2024, 1, 29))
  t.equal(parseSdkDate('20230229T000000Z'), undefined)
})

t.test('unknown AK: the gateway\'s "ak not exist", with the AK as principal', async (t) => {
  const verdict = verify(signed({ ak: 'NOSUCHAK' }))
  refused(t, verdict, 'Get secretKey failed,ak:******,err:ak not exist')
  t.equal(verdict.principal, 'NOSUCHAK')
})

t.test('wrong SK or tampered request: signature failure, canonical request kept for the log', async (t) => {
  const verdict = verify(signed({ sk: SK + 'x' }))
  refused(t, verdict, 'verify aksk signature fail', 'signature mismatch')
  t.match(verdict.canonicalRequest, new RegExp(`^GET\n/v2/${DOC_PROJECT}/statistics/metrics/access-stages/\ntransaction_id=tx%201\n`))
  const tampered = signed()
  tampered.url = tampered.url.replace('tx%201', 'tx%202')
  refused(t, verify(tampered), 'verify aksk signature fail', 'signature mismatch')
  const missing = signed({ signed: ['content-type', 'host', 'x-project-id', 'x-sdk-date'] })
  refused(t, verify(missing), 'verify aksk signature fail', 'signed header x-project-id is not in the request')
})

t.test('the verifier recomputes from the wire: trimmed values, decoded then re-encoded query', async (t) => {
  const request = signed({ url: '/v2/p/statistics/metrics/access-stages?transaction_id=a%20b!\'()*' })
  request.url = '/v2/p/statistics/metrics/access-stages?transaction_id=a+b%21%27%28%29%2A'
  request.headers['content-type'] = '  application/json  '
  t.ok(verify(request).ok)
})

t.test('malformed Authorization: signature failure without a principal', async (t) => {
  for (const authorization of ['Bearer x', 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=, Signature=ab', 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;;x-sdk-date, Signature=ab']) {
    const verdict = verify({ method: 'GET', url: '/', headers: { authorization, 'x-sdk-date': DATE } })
    refused(t, verdict, 'verify aksk signature fail')
    t.equal(verdict.principal, undefined)
  }
})

t.test('temporary credentials need the right X-Security-Token, signed', async (t) => {
  const temp = (token: string | undefined, list = ['content-type', 'host', 'x-sdk-date', 'x-security-token']) =>
    signed({ ak: 'TEMPAK', sk: 'temp-sk', signed: list, headers: token === undefined ? {} : { 'x-security-token': token } })
  t.same(verify(temp('sec-token-1')), { scheme: 'aksk', principal: 'TEMPAK', ok: true })
  refused(t, verify(temp(undefined, ['content-type', 'host', 'x-sdk-date'])), 'verify aksk signature fail', 'X-Security-Token is required for this temporary AK')
  refused(t, verify(temp('sec-token-2')), 'verify aksk signature fail', 'X-Security-Token does not match')
  refused(t, verify(temp('sec-token-1', ['host', 'x-sdk-date'])), 'verify aksk signature fail', 'X-Security-Token is not among SignedHeaders')
  const permanent = signed({ headers: { 'x-security-token': 'sec-token-1' }, signed: ['host', 'x-sdk-date', 'x-security-token'] })
  refused(t, verify(permanent), 'verify aksk signature fail', 'X-Security-Token was sent with a permanent AK')
})

t.test('an AK/SK pair with expires_at is refused from that instant', async (t) => {
  const old = signed({ ak: 'OLDAK', sk: 'old-sk' })
  t.ok(verify(old, Date.UTC(2019, 10, 15, 3, 39, 59)).ok)
  refused(t, verify(old, Date.UTC(2019, 10, 15, 3, 40)), 'verify aksk signature fail', 'the AK/SK pair expired at 2019-11-15T03:40:00.000Z')
})

t.test('tokens: configured ones pass, unknown and expired ones get the gateway wording', async (t) => {
  const token = (value: string, extra: IncomingHttpHeaders = {}) => verify({ method: 'GET', url: '/', headers: { 'x-auth-token': value, ...extra } })
  t.same(token('good-token'), { scheme: 'token', principal: 'token', ok: true })
  t.same(token(' good-token '), { scheme: 'token', principal: 'token', ok: true }, 'trimmed, as a header value')
  refused(t, token('bad-token'), 'decrypt token fail', 'token not configured')
  t.equal(token('bad-token').principal, 'token', 'never the token itself')
  refused(t, token('old-token'), 'token expires, expires_at: 2019-11-15T00:00:00.000Z', 'token expired')
  const both = token('good-token', { authorization: 'SDK-HMAC-SHA256 Access=X, SignedHeaders=host, Signature=00' })
  t.same(both, { scheme: 'token', principal: 'token', ok: true }, 'a token wins over an Authorization header')
})

t.test('no credentials at all: "x-auth-token not found"', async (t) => {
  refused(t, verify({ method: 'GET', url: '/', headers: {} }), 'x-auth-token not found')
  refused(t, verify({ method: 'GET', url: '/', headers: { 'x-auth-token': '   ' } }), 'x-auth-token not found')
  t.equal(verify({ method: 'GET', url: '/', headers: {} }).scheme, 'none')
})

t.test('five consecutive failures lock the AK for five minutes, even for a correct signature', async (t) => {
  const lockout = createLockout()
  for (let i = 0; i < 5; i++) refused(t, verify(signed({ sk: 'wrong' }), NOW, lockout), 'verify aksk signature fail')
  const locked = verify(signed(), NOW + 1000, lockout)
  refused(t, locked, 'AK access failed to reach the limit,forbidden.', 'AK locked after repeated failures')
  t.equal(locked.principal, AK)
  refused(t, verify(signed(), NOW + 5 * MIN - 1, lockout), 'AK access failed to reach the limit,forbidden.')
  t.ok(verify(signed(), NOW + 5 * MIN, lockout).ok, 'unlocked after five minutes')
  t.ok(verify(signed({ ak: 'TEMPAK', sk: 'temp-sk', signed: ['host', 'x-sdk-date', 'x-security-token'], headers: { 'x-security-token': 'sec-token-1' } }), NOW, lockout).ok, 'other AKs were never locked')
})

t.test('a success resets the count; unknown AKs and locked refusals do not count', async (t) => {
  const lockout = createLockout()
  for (let i = 0; i < 4; i++) verify(signed({ sk: 'wrong' }), NOW, lockout)
  t.ok(verify(signed(), NOW, lockout).ok)
  for (let i = 0; i < 4; i++) verify(signed({ sk: 'wrong' }), NOW, lockout)
  t.ok(verify(signed(), NOW, lockout).ok, 'four failures after a success do not lock')
  for (let i = 0; i < 10; i++) verify(signed({ ak: 'NOSUCHAK' }), NOW, lockout)
  t.ok(verify(signed(), NOW, lockout).ok)
})

t.test('createStrictAuthenticator: clock and lockout options, reset forgets locks', async (t) => {
  let now = NOW
  const authenticate = createStrictAuthenticator(credentials, { now: () => now, lockout: { threshold: 2, durationMs: 1000 } })
  t.equal(authenticate.needsBody, true)
  authenticate(signed({ sk: 'wrong' }))
  authenticate(signed({ sk: 'wrong' }))
  t.equal(authError(authenticate(signed())).message, IAM + 'AK access failed to reach the limit,forbidden.')
  now += 1000
  t.ok(authenticate(signed()).ok, 'the configured duration')
  authenticate(signed({ sk: 'wrong' }))
  authenticate(signed({ sk: 'wrong' }))
  authenticate.reset!()
  t.ok(authenticate(signed()).ok, 'reset unlocks')
  now += 16 * MIN
  t.notOk(authenticate(signed()).ok, 'the injected clock drives the skew check')
})

t.test('the exact body bytes are signed, or X-Sdk-Content-Sha256 stands for them', async (t) => {
  const body = Buffer.from('{"a": 1}\n')
  t.ok(verify(signed({ body })).ok)
  const other = signed({ body })
  other.body = Buffer.from('{"a": 1}')
  refused(t, verify(other), 'verify aksk signature fail', 'signature mismatch')
  const unsigned = signed({ body, headers: { 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' }, signed: ['host', 'x-sdk-content-sha256', 'x-sdk-date'] })
  unsigned.body = Buffer.from('anything else')
  t.ok(verify(unsigned).ok)
})

t.test('safeEqual', async (t) => {
  t.ok(safeEqual('abc', 'abc'))
  t.notOk(safeEqual('abc', 'abd'))
  t.notOk(safeEqual('abc', 'abcd'), 'different lengths compare without throwing')
})

t.test('every secret comparison goes through crypto.timingSafeEqual', async (t) => {
  t.equal(CONSTANT_TIME_EQUAL, timingSafeEqual, 'the default comparison is crypto.timingSafeEqual')
  let calls = 0
  const compare = (a: Buffer, b: Buffer): boolean => { calls++; return timingSafeEqual(a, b) }
  const run = (request: AuthRequest) => {
    calls = 0
    const verdict = verifyStrict(request, { credentials, lockout: createLockout(), now: NOW, compare })
    return { ok: verdict.ok, calls }
  }
  t.same(run(signed()), { ok: true, calls: 1 }, 'the signature')
  t.same(run(signed({ sk: 'wrong' })), { ok: false, calls: 1 }, 'a wrong signature too')
  t.same(run(signed({ ak: 'TEMPAK', sk: 'temp-sk', signed: ['host', 'x-sdk-date', 'x-security-token'], headers: { 'x-security-token': 'sec-token-1' } })),
    { ok: true, calls: 2 }, 'the security token and the signature')
  t.same(run({ method: 'GET', url: '/', headers: { 'x-auth-token': 'bad-token' } }), { ok: false, calls: 2 }, 'a token against every configured token')
  t.same(run({ method: 'GET', url: '/', headers: { 'x-auth-token': 'good-token' } }), { ok: true, calls: 2 }, 'no early exit on a match')
})

t.test('an authenticator that remembers its last steps gives every request the verdict a fresh one would', async (t) => {
  // The authenticator keeps its last date, request target and signature; each must be recomputed
  // whenever its input changes, whatever the order of requests.
  const authenticate = createStrictAuthenticator(credentials, { now: () => NOW, lockout: { threshold: 0 } })
  const requests: AuthRequest[] = [
    signed(),
    signed(),
    signed({ sk: 'wrong' }),
    signed(),
    signed({ url: '/v2/p/statistics/metrics/access-stages?transaction_id=other' }),
    { ...signed(), url: '/v2/p/statistics/metrics/access-stages?transaction_id=other' },
    signed({ date: '20191115T033656Z' }),
    { ...signed(), headers: { ...signed().headers, 'x-sdk-date': '20191115T033656Z' } },
    signed({ headers: { host: 'elsewhere:8080' } }),
    { ...signed(), headers: { ...signed().headers, host: 'elsewhere:8080' } },
    signed({ ak: 'TEMPAK', sk: 'temp-sk', signed: ['host', 'x-sdk-date', 'x-security-token'], headers: { 'x-security-token': 'sec-token-1' } }),
    signed({ date: '20191115T999999Z' }),
    signed()
  ]
  for (const [i, request] of requests.entries()) {
    const expected = verify(request)
    const got = authenticate(request)
    t.same({ ok: got.ok, reason: got.reason, detail: got.detail }, { ok: expected.ok, reason: expected.reason, detail: expected.detail }, `request ${i}`)
  }
  t.same(requests.map((r) => authenticate(r).ok), [true, true, false, true, true, false, true, false, true, false, true, false, true])
})
