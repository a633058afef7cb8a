import t from 'tap'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { akskCredential, sdkClient, showUserAccessStages } from '../auth/sdk-client.js'
import { upstreamHeaders, sdkDate } from '../../src/api/upstream/sign.js'

const PROJECT = '77b6a44cba5143ab91d13ab9a8ff44fd'
const fromSdkDate = (d: string): number => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13), +d.slice(13, 15))

/** What the official Node SDK core sends for ShowUserAccessStages, as a server receives it. */
async function sdkRequest (securityToken?: string): Promise<{ url: string, headers: IncomingHttpHeaders }> {
  let seen: { url: string, headers: IncomingHttpHeaders } | undefined
  const server = createServer((req, res) => { seen = { url: req.url!, headers: req.headers }; res.setHeader('content-type', 'application/json'); res.end('{}') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  try {
    await showUserAccessStages(sdkClient(endpoint, akskCredential({ ak: 'QTWAOYTTINDUT2QVKYUC', sk: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc', projectId: PROJECT, securityToken })), 'tx-42')
  } finally {
    server.close()
  }
  return seen!
}

t.test('forwarded calls are signed byte for byte as the Node SDK core signs them', async (t) => {
  for (const securityToken of [undefined, 'temporary-session-token']) {
    const sdk = await sdkRequest(securityToken)
    const auth = { scheme: 'aksk' as const, ak: 'QTWAOYTTINDUT2QVKYUC', sk: 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc', securityToken }
    const ours = upstreamHeaders(auth, { target: sdk.url, host: sdk.headers.host!, projectId: PROJECT }, fromSdkDate(sdk.headers['x-sdk-date'] as string), 'test')
    t.equal(ours['x-sdk-date'], sdk.headers['x-sdk-date'])
    t.equal(ours.authorization, sdk.headers.authorization, securityToken === undefined ? 'AK/SK' : 'temporary AK/SK')
    t.match(ours.authorization, securityToken === undefined ? /SignedHeaders=content-type;host;x-project-id;x-sdk-date,/ : /SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,/)
  }
})

t.test('a token goes in X-Auth-Token; no credentials send none', async (t) => {
  const call = { target: '/v2/p/statistics/metrics/access-stages?transaction_id=t', host: 'example.com', projectId: 'p' }
  t.same(upstreamHeaders({ scheme: 'token', token: 'tok' }, call, 0, 'ua'), { accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'ua', host: 'example.com', 'x-project-id': 'p', 'x-auth-token': 'tok' })
  t.same(upstreamHeaders(undefined, call, 0, 'ua'), { accept: 'application/json', 'content-type': 'application/json', 'user-agent': 'ua', host: 'example.com', 'x-project-id': 'p' })
  t.equal(sdkDate(Date.UTC(2019, 10, 15, 3, 36, 55, 123)), '20191115T033655Z')
})
