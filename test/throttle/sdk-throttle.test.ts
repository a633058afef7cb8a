import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { akskCredential, ClientRequestException, sdkClient, showUserAccessStages } from '../auth/sdk-client.js'
import { build, DOC_PROJECT, DOC_TRANSACTION } from '../helper.js'

// The official @huaweicloud/huaweicloud-sdk-core meets the gateway's flow control: the Node SDK does
// not retry, so a 429 reaches the caller as ClientRequestException; a caller's own backoff gets through.

const CREDENTIALS = { aksk: [{ ak: 'SDKAK', sk: 'sdk-secret-key' }] }

async function start (t: Tap.Test, rateLimit: string) {
  const app = await build(t, { auth: 'strict', credentialsJson: JSON.stringify(CREDENTIALS), rateLimit })
  const endpoint = await app.listen({ host: '127.0.0.1', port: 0 })
  const client = sdkClient(endpoint, akskCredential({ ak: 'SDKAK', sk: 'sdk-secret-key', projectId: DOC_PROJECT }))
  const journal = async (query: string) => ((await (await fetch(`${endpoint}/_emulator/requests?${query}`)).json()) as { requests: Array<{ request_id: string, status: number }> }).requests
  return { endpoint, client, journal }
}

t.test('over the limit the SDK raises ClientRequestException 429 APIGW.0308 with the X-Request-Id', async (t) => {
  const { endpoint, client, journal } = await start(t, 'user=10/min')
  // Move the emulator's clock to the start of a minute, so all eleven calls fall in one window.
  const toMinute = 60_000 - (Date.now() % 60_000)
  await fetch(`${endpoint}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offset_ms: toMinute }) })
  for (let i = 0; i < 10; i++) t.equal((await showUserAccessStages(client, DOC_TRANSACTION)).httpStatusCode, 200)
  const err = await showUserAccessStages(client, DOC_TRANSACTION).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof ClientRequestException, 'ClientRequestException')
  const e = err as ClientRequestException
  t.same({ httpStatusCode: e.httpStatusCode, errorCode: e.errorCode, errorMsg: e.errorMsg }, {
    httpStatusCode: 429,
    errorCode: 'APIGW.0308',
    errorMsg: 'The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 minute'
  })
  t.equal(e.requestId, (await journal('status=429'))[0].request_id, 'requestId is the X-Request-Id of the 429')
})

t.test('a client with exponential backoff finishes every call within the limit', async (t) => {
  const { client, journal } = await start(t, 'user=4/s')
  let refusals = 0
  /** Retries a 429 after 50 ms, doubling up to 800 ms (the Go SDK's backoff shape, shorter), at most 12 tries. */
  async function withBackoff<T> (call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call()
      } catch (err) {
        if (!(err instanceof ClientRequestException) || err.httpStatusCode !== 429 || attempt >= 11) throw err
        refusals++
        await sleep(Math.min(50 * 2 ** attempt, 800))
      }
    }
  }
  const started = performance.now()
  const results = await Promise.all(Array.from({ length: 10 }, async () => await withBackoff(() => showUserAccessStages(client, DOC_TRANSACTION))))
  t.same(results.map((r) => r.httpStatusCode), Array(10).fill(200), 'all ten calls succeed')
  t.ok(refusals > 0, `the limit was met on the way (${refusals} refusals)`)
  t.ok(performance.now() - started >= 1000, 'ten calls at 4/s take more than one window')
  t.equal((await journal('status=200')).length, 10)
  t.equal((await journal('status=429')).length, refusals, 'each refusal the client saw is journalled')
})

declare namespace Tap { type Test = import('tap').Test }
