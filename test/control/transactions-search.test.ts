import t from 'tap'
import { assertError, build } from '../helper.js'

const ok = { stage: 'LOGIN', is_success: true }
const failed = { stage: 'CONNECT', is_success: false }
const RECORDS = [
  { project_id: 'p1', transaction_id: 'alpha-1', username: 'Alice', biz_type: 'APP', stages: [ok] },
  { project_id: 'p1', transaction_id: 'beta-2', username: 'bob', biz_type: 'VDI', stages: [ok, failed] },
  { project_id: 'p1', transaction_id: 'gamma-3', biz_type: 'VDI' },
  { project_id: 'p2', transaction_id: 'alpha-9', username: 'carol', biz_type: 'APP', stages: [failed] }
]

t.test('GET /_emulator/transactions: search in id and username, biz_type and success filters, paged', async (t) => {
  const app = await build(t, { fixtures: false })
  t.equal((await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { transactions: RECORDS } })).statusCode, 201)
  const ids = async (query: string) => {
    const res = await app.inject({ url: `/_emulator/transactions?${query}` })
    t.equal(res.statusCode, 200, query)
    const body = res.json() as { transactions: Array<{ project_id: string, transaction_id: string }>, total: number }
    return [body.transactions.map((r) => `${r.project_id}/${r.transaction_id}`), body.total]
  }
  t.same(await ids('search=ALPHA'), [['p1/alpha-1', 'p2/alpha-9'], 2], 'transaction_id, ASCII case-insensitive, every project')
  t.same(await ids('search=alic'), [['p1/alpha-1'], 1], 'username')
  t.same(await ids('project_id=p1&search=a'), [['p1/alpha-1', 'p1/beta-2', 'p1/gamma-3'], 3])
  t.same(await ids('biz_type=VDI'), [['p1/beta-2', 'p1/gamma-3'], 2])
  t.same(await ids('success=false'), [['p1/beta-2', 'p2/alpha-9'], 2], 'some stage failed')
  t.same(await ids('success=true'), [['p1/alpha-1', 'p1/gamma-3'], 2], 'no stage failed (no stages at all counts)')
  t.same(await ids('project_id=p1&success=true&biz_type=VDI'), [['p1/gamma-3'], 1])
  t.same(await ids('success=false&limit=1&offset=1'), [['p2/alpha-9'], 2], 'paged, total of all pages')
  t.same(await ids('search=%25'), [[], 0], 'search text is literal, not a LIKE pattern')
  assertError(t, await app.inject({ url: '/_emulator/transactions?biz_type=TV' }), 400, 'WKS.0001', 'Invalid parameter biz_type: must be one of APP, DESKTOP, SHARE_APP, VDI.')
  assertError(t, await app.inject({ url: '/_emulator/transactions?success=maybe' }), 400, 'WKS.0001', 'Invalid parameter success: must be boolean.')
})

t.test('GET /_emulator/projects: every project with records, and its count', async (t) => {
  const app = await build(t, { fixtures: false })
  t.same((await app.inject({ url: '/_emulator/projects' })).json(), { projects: [] })
  await app.inject({ method: 'POST', url: '/_emulator/transactions', payload: { transactions: RECORDS } })
  t.same((await app.inject({ url: '/_emulator/projects' })).json(), { projects: [{ project_id: 'p1', transactions: 3 }, { project_id: 'p2', transactions: 1 }] })
})
