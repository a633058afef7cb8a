import t from 'tap'
import { preferFault } from '../../src/api/faults/select.js'
import { build, DOC_PROJECT, DOC_TRANSACTION, stagesUrl, TOKEN } from '../helper.js'

// Issue #12, input 5: RFC 7240 §2 makes these equal to `code=503`; a test asking for a 503 got a 200.
t.test('Prefer: code= in any spelling RFC 7240 allows forces that status', async (t) => {
  const app = await build(t)
  const url = stagesUrl(DOC_PROJECT, `?transaction_id=${DOC_TRANSACTION}`)
  for (const prefer of ['code=503', 'CODE=503', 'code="503"', 'code = 503', 'Code = "503"', 'respond-async, code=503', 'wait=10; foo, code=503;x=1']) {
    const res = await app.inject({ url, headers: { ...TOKEN, prefer } })
    t.equal(res.statusCode, 503, `Prefer: ${prefer}`)
    t.same(res.json().error_code, 'APIGW.0203', `Prefer: ${prefer}: the catalogue's 503`)
  }
  const two = await app.inject({ url, headers: { ...TOKEN, prefer: ['respond-async', 'code=429'] } })
  t.equal(two.statusCode, 429, 'preferences spread over two Prefer headers')
})

t.test('what is not an error code is ignored, the first of a repeated preference wins', async (t) => {
  t.equal(preferFault('code=200'), undefined, 'a success status is no fault')
  t.equal(preferFault('code=abc'), undefined)
  t.equal(preferFault('codex=503'), undefined, 'a longer name is another preference')
  t.equal(preferFault('x-code=503'), undefined)
  t.match(preferFault('code=503, code=429'), { kind: 'error', action: { status: 503 } }, 'RFC 7240 §2: the first instance counts')
  t.match(preferFault('DELAY = "250"'), { kind: 'delay', waitMs: 250 })
  t.match(preferFault('delay=100, code=502'), { kind: 'error', waitMs: 100, action: { status: 502, delay_ms: 100 } })
})
