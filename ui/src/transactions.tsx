import { useEffect, useState } from 'preact/hooks'
import type { ControlAnswer } from '../../src/control/routes.js'
import type { TransactionList } from '../../src/schemas/control.js'
import { api } from './api.js'
import { ms, onRowKey, short } from './format.js'
import { navigate, transactionPath } from './router.js'
import { layoutWaterfall } from './waterfall-layout.js'

const PAGE = 25
const BIZ_TYPES = ['APP', 'DESKTOP', 'SHARE_APP', 'VDI']

/** Stored records of a project, a page at a time, searchable. */
export function TransactionsView () {
  const [projects, setProjects] = useState<ControlAnswer<'ListProjects'>['projects']>([])
  const [project, setProject] = useState('')
  const [search, setSearch] = useState('')
  const [biz, setBiz] = useState('')
  const [success, setSuccess] = useState('')
  const [offset, setOffset] = useState(0)
  const [page, setPage] = useState<TransactionList>()
  const [error, setError] = useState<string>()

  useEffect(() => {
    api('ListProjects').then(({ projects }) => {
      setProjects(projects)
      if (project === '' && projects.length > 0) setProject(projects[0].project_id)
    }, (e: Error) => setError(e.message))
  }, [])
  useEffect(() => {
    if (project === '') return
    api('ListTransactions', { query: { project_id: project, search: search.trim(), biz_type: biz, success, limit: PAGE, offset } })
      .then((p) => { setPage(p); setError(undefined) }, (e: Error) => setError(e.message))
  }, [project, search, biz, success, offset])
  const change = (setter: (v: string) => void) => (e: Event) => { setter((e.target as HTMLInputElement).value); setOffset(0) }

  return (
    <section aria-labelledby='tx-h'>
      <div class='toolbar'>
        <h2 id='tx-h'>Transactions</h2>
        <form class='filters' onSubmit={(e) => e.preventDefault()}>
          <label>project
            <select name='project_id' value={project} onChange={change(setProject)}>
              {projects.map((p) => <option key={p.project_id} value={p.project_id}>{short(p.project_id)} ({p.transactions})</option>)}
            </select>
          </label>
          <label>search <input name='search' type='search' value={search} onChange={change(setSearch)} placeholder='id or username' /></label>
          <label>biz_type
            <select name='biz_type' value={biz} onChange={change(setBiz)}>
              <option value=''>any</option>
              {BIZ_TYPES.map((b) => <option key={b}>{b}</option>)}
            </select>
          </label>
          <label>result
            <select name='success' value={success} onChange={change(setSuccess)}>
              <option value=''>any</option><option value='true'>all stages succeeded</option><option value='false'>a stage failed</option>
            </select>
          </label>
        </form>
      </div>
      {error !== undefined && <p class='error' role='alert'>{error}</p>}
      {projects.length === 0 && error === undefined && <p class='empty'>No stored records. Seed some with POST /_emulator/transactions.</p>}
      {page !== undefined && (
        <>
          <div class='table-wrap'>
            <table class='grid' aria-label='Stored transactions'>
              <thead><tr><th scope='col'>transaction_id</th><th scope='col'>username</th><th scope='col'>biz_type</th><th scope='col' class='num'>stages</th><th scope='col'>result</th><th scope='col' class='num'>login time</th></tr></thead>
              <tbody>
                {page.transactions.map((t, i) => {
                  const open = () => navigate(transactionPath(t.project_id, t.transaction_id))
                  const { total } = layoutWaterfall(t.stages ?? [])
                  const failed = (t.stages ?? []).some((s) => s.is_success === false)
                  return (
                    <tr key={t.transaction_id} tabIndex={i === 0 ? 0 : -1} class='clickable' onClick={open} onKeyDown={(e) => onRowKey(e, open)}>
                      <td class='mono'>{t.transaction_id}</td>
                      <td>{t.username ?? '—'}</td>
                      <td>{t.biz_type ?? '—'}</td>
                      <td class='num'>{t.stages?.length ?? 0}</td>
                      <td><span class={`pill ${failed ? 'st-bad' : 'st-ok'}`}>{failed ? 'failed' : 'ok'}</span></td>
                      <td class='num mono'>{total === undefined ? (t.stages?.length ? 'running' : '—') : ms(total)}</td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
          <nav class='pager' aria-label='Pages'>
            <button type='button' class='btn ghost' disabled={offset === 0} onClick={() => setOffset(Math.max(offset - PAGE, 0))}>← Previous</button>
            <span>{page.total === 0 ? 'none' : `${offset + 1}–${Math.min(offset + PAGE, page.total)} of ${page.total}`}</span>
            <button type='button' class='btn ghost' disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>Next →</button>
          </nav>
        </>
      )}
    </section>
  )
}
