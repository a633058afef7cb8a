import t from 'tap'
import {
  authorizationHeader, canonicalHeaders, canonicalQueryString, canonicalRequest, canonicalUri, encodeRfc3986,
  EMPTY_BODY_SHA256, payloadHash, sha256Hex, signature, signRequest, splitUrl, stringToSign
} from '../../src/runtime/wire/aksk-signature.js'

// Test vector A: the API Request Signing Guide's worked example (reference §2).
const AK = 'QTWAOYTTINDUT2QVKYUC'
const SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc'
const DATE = '20191115T033655Z'
const A = {
  method: 'GET',
  url: '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
  headers: { 'content-type': 'application/json', host: 'service.region.example.com', 'x-sdk-date': DATE }
}
const SIGNED = ['content-type', 'host', 'x-sdk-date']
const CANONICAL = [
  'GET',
  '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/',
  'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
  'content-type:application/json',
  'host:service.region.example.com',
  'x-sdk-date:20191115T033655Z',
  '',
  'content-type;host;x-sdk-date',
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
].join('\n')
const CANONICAL_HASH = 'b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a'
const TO_SIGN = `SDK-HMAC-SHA256\n${DATE}\n${CANONICAL_HASH}`
const SIGNATURE = '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe'

t.test('test vector A, byte-exact at every step', async (t) => {
  const { path, query } = splitUrl(A.url)
  t.equal(canonicalUri(path), '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/', 'CanonicalURI gains the trailing /')
  t.equal(canonicalQueryString(query), 'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0', 'CanonicalQueryString')
  t.equal(canonicalHeaders(A.headers, SIGNED), 'content-type:application/json\nhost:service.region.example.com\nx-sdk-date:20191115T033655Z\n', 'CanonicalHeaders end with \\n')
  t.equal(payloadHash(A.headers), EMPTY_BODY_SHA256, 'payload hash of the empty body')
  t.equal(canonicalRequest(A, SIGNED), CANONICAL, 'CanonicalRequest')
  t.equal(sha256Hex(CANONICAL), CANONICAL_HASH, 'hash of the CanonicalRequest')
  t.equal(stringToSign(DATE, CANONICAL), TO_SIGN, 'StringToSign')
  t.equal(signature(SK, TO_SIGN), SIGNATURE, 'Signature')
  t.equal(authorizationHeader(AK, SIGNED, SIGNATURE),
    'SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=' + SIGNATURE, 'Authorization')
  t.equal(signRequest(A, AK, SK, SIGNED), authorizationHeader(AK, SIGNED, SIGNATURE), 'signRequest composes the same steps')
})

t.test('test vector A signed over host;x-sdk-date only', async (t) => {
  const signed = ['host', 'x-sdk-date']
  const canonical = canonicalRequest(A, signed)
  t.equal(canonical, [
    'GET', '/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/', 'limit=2&marker=13551d6b-755d-4757-b956-536f674975c0',
    'host:service.region.example.com', 'x-sdk-date:20191115T033655Z', '', 'host;x-sdk-date', EMPTY_BODY_SHA256
  ].join('\n'))
  t.equal(sha256Hex(canonical), '0e84e7853cf87931d965c80e83bffb15aa865326db3a6f57aa2560a7601dfe18')
  t.equal(signature(SK, stringToSign(DATE, canonical)), 'faafba090046ef84c81ca330e77576d8746733ddfcf0317aaeb59cff50da39a7')
})

t.test('RFC 3986 encoding: only unreserved characters stay, upper-case hex', async (t) => {
  t.equal(encodeRfc3986("AZaz09-_.~ !'()*/?#[]@$&+,;=%"), 'AZaz09-_.~%20%21%27%28%29%2A%2F%3F%23%5B%5D%40%24%26%2B%2C%3B%3D%25')
  t.equal(encodeRfc3986('一é😀'), '%E4%B8%80%C3%A9%F0%9F%98%80')
})

t.test('path segments are decoded, then re-encoded strictly', async (t) => {
  t.equal(canonicalUri('/v2/p/a%20b/c!d'), '/v2/p/a%20b/c%21d/')
  t.equal(canonicalUri('/x/a%2Fb/'), '/x/a%2Fb/', 'an encoded slash stays inside its segment; no second trailing /')
  t.equal(canonicalUri('/'), '/')
  t.equal(canonicalUri('/p/%E4%B8%80'), '/p/%E4%B8%80/')
  t.equal(canonicalUri('/p/%zz'), '/p/%25zz/', 'a stray % is kept literally')
})

t.test('query: decoded, re-encoded, sorted by name then value', async (t) => {
  // The Go SDK's signer test expects exactly this string for these parameters.
  const wire = 'test=%E4%B8%80+%28%26%3D%3F!%23%25.*%29&path=%2Ftmp%2F123&multi=3&multi=1&multi=2&limit=1&enable=true'
  t.equal(canonicalQueryString(wire), 'enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29')
  t.equal(canonicalQueryString(''), '')
  t.equal(canonicalQueryString('flag&a=&&b=1'), 'a=&b=1&flag=', 'a bare name signs with an empty value; empty pieces vanish')
  t.equal(canonicalQueryString("id=a!b'c(d)e*f"), 'id=a%21b%27c%28d%29e%2Af', 'raw !\'()* as nodejs querystring sends them')
  t.equal(canonicalQueryString('id=a%2Bb+c'), 'id=a%2Bb%20c', '%2B is a plus, + is a space')
})

t.test('headers: trimmed, repeated values joined, missing ones empty', async (t) => {
  t.equal(canonicalHeaders({ 'x-a': '  v  ', 'x-b': ['1', '2'] }, ['x-a', 'x-b', 'x-c']), 'x-a:v\nx-b:1,2\nx-c:\n')
})

t.test('payload: the exact body bytes, unless X-Sdk-Content-Sha256 says otherwise', async (t) => {
  t.equal(payloadHash({}, Buffer.from('{"a":1}\n')), sha256Hex('{"a":1}\n'))
  t.not(payloadHash({}, Buffer.from('{"a":1}\n')), payloadHash({}, Buffer.from('{"a":1}')), 'a trailing newline changes the hash')
  t.equal(payloadHash({ 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' }, Buffer.from('x')), 'UNSIGNED-PAYLOAD')
  t.equal(payloadHash({}, Buffer.alloc(0)), EMPTY_BODY_SHA256)
})
