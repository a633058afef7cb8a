import t from 'tap'
import { REQUEST_ID } from '../helper.js'
import { PROJECT, startCloud, startFront, tempDir, credentialsFile, UPSTREAM_ONLY } from '../upstream/two-emulators.js'

// Issue 21 item 12 (last sentence): a proxied call's X-Request-Id is the upstream's, and its
// journal entry is keyed by X-Emulator-Request-Id; a page must be able to read that one too.

const PAGE = 'http://localhost:5173'
const EXPOSED = 'X-Request-Id, X-Emulator-Request-Id, X-Apig-Latency, X-Apig-RateLimit-api, X-Apig-RateLimit-api-allenv, X-Apig-RateLimit-user, X-Apig-RateLimit-ip'

t.test('under --cors, X-Emulator-Request-Id is exposed to the page, and names the journal entry', async (t) => {
  const dir = tempDir(t)
  const cloud = await startCloud(t, dir)
  const front = await startFront(t, cloud.url, { cors: PAGE, upstreamCredentials: credentialsFile(dir, 'front.json') })
  const res = await fetch(`${front.url}/v2/${PROJECT}/statistics/metrics/access-stages?transaction_id=${UPSTREAM_ONLY}`, { headers: { 'x-auth-token': 'any', origin: PAGE } })
  t.equal(res.status, 200)
  t.equal(res.headers.get('access-control-allow-origin'), PAGE)
  t.equal(res.headers.get('access-control-expose-headers'), EXPOSED)
  const ownId = res.headers.get('x-emulator-request-id')
  t.match(ownId, REQUEST_ID)
  const [entry] = await front.requests()
  t.equal(entry.request_id, ownId, 'the id the page can read is the journal entry\'s')

  const control = await fetch(`${front.url}/_emulator/health`, { headers: { origin: PAGE } })
  t.equal(control.headers.get('access-control-expose-headers'), EXPOSED, 'the control plane exposes the same list')
})
