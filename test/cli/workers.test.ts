import t from 'tap'
import { request } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stagesUrl } from '../helper.js'
import { runCli, startCli, type Running } from './run-cli.js'

interface Answer { status: number, body: string, requestId: string }

/** One GET over a connection of its own, so the cluster hands each to the next worker. */
const freshGet = (url: string): Promise<Answer> => new Promise((resolve, reject) => {
  const req = request(url, { agent: false, headers: { 'x-auth-token': 't' } }, (res) => {
    let body = ''
    res.on('data', (d) => { body += d })
    res.on('end', () => resolve({ status: res.statusCode!, body, requestId: String(res.headers['x-request-id']) }))
  })
  req.on('error', reject)
  req.end()
})

async function until<T> (what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** The pid that logged each request id (the request log line carries pino's pid), once all are in. */
const pidsOf = (server: Running, ids: string[]): Promise<Map<string, number>> => until('request log lines', () => {
  const pids = new Map<string, number>()
  for (const line of server.output().split('\n')) {
    if (!line.startsWith('{')) continue
    const entry = JSON.parse(line) as { msg?: string, reqId?: string, pid?: number }
    if (entry.msg === 'request' && entry.reqId !== undefined && ids.includes(entry.reqId)) pids.set(entry.reqId, entry.pid!)
  }
  return pids.size === ids.length ? pids : undefined
})

const post = async (url: string, body: unknown): Promise<Response> =>
  await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

t.test('--workers with a :memory: database is refused at start, in one line', async (t) => {
  const { code, stderr, stdout } = await runCli(['--workers', '2'])
  t.equal(code, 2)
  t.equal(stderr, 'wks-emulator: --workers 2 needs a file --db: each worker would have a :memory: database of its own\n')
  t.equal(stdout, '')
  t.match((await runCli(['--help'])).stdout, /--workers/, '--help lists it')
})

t.test('--workers 2: both workers serve what the control plane seeded, and share rules and journal', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'wks-workers-')), 'shared.sqlite')
  const server = await startCli(t, ['--workers', '2', '--db', db, '--log-level', 'info', '--no-fixtures'], {}, 30_000)
  t.equal((server.output().match(/Server listening at/g) ?? []).length, 1, 'one ready line, printed once both workers listen')

  const project = 'workers-test'
  const record = { project_id: project, transaction_id: 'tx-1', username: 'alice', biz_type: 'VDI', stages: [{ stage: 'LOGIN', duration: 42, is_success: true }] }
  t.equal((await post(`${server.url}/_emulator/transactions`, record)).status, 201)
  const url = server.url + stagesUrl(project, '?transaction_id=tx-1')
  const answers: Answer[] = []
  for (let i = 0; i < 12; i++) answers.push(await freshGet(url))
  t.same(answers.map((a) => a.status), Array(12).fill(200))
  t.ok(answers.every((a) => a.body === '{"username":"alice","biz_type":"VDI","stages":[{"stage":"LOGIN","duration":42,"is_success":true}]}'), 'every answer is the seeded record')
  const pids = new Set((await pidsOf(server, answers.map((a) => a.requestId))).values())
  t.equal(pids.size, 2, `two processes answered (${[...pids].join(', ')})`)
  t.notOk(pids.has(server.child.pid!), 'the primary serves nothing itself')

  // A rule added through one worker, with a `times` counter that every worker draws from.
  const rule = await post(`${server.url}/_emulator/faults`, { match: { project_id: project, transaction_id: 'tx-1' }, action: { status: 503 }, times: 3 })
  t.equal(rule.status, 201)
  const after: Answer[] = []
  for (let i = 0; i < 8; i++) after.push(await freshGet(url))
  t.same(after.map((a) => a.status), [503, 503, 503, 200, 200, 200, 200, 200], 'the rule fires three times in all, whichever worker answers')
  t.equal(new Set((await pidsOf(server, after.map((a) => a.requestId))).values()).size, 2)
  const faults = await (await fetch(`${server.url}/_emulator/faults`)).json() as { faults: Array<{ fired: number, spent: boolean }> }
  t.match(faults.faults, [{ fired: 3, spent: true }])

  // Each worker commits its journal entries within ~20 ms; the count converges on every request.
  const total = await until('every request in the journal', async () => {
    const { count } = await (await fetch(`${server.url}/_emulator/requests/count?project_id=${project}`)).json() as { count: number }
    return count === 20 ? count : undefined
  })
  t.equal(total, 20)

  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0, 'SIGTERM stops the workers and the primary cleanly')
})
