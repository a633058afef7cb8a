import { useEffect, useRef, useState } from 'preact/hooks'
import type { JournalEntry } from '../../src/schemas/journal.js'
import { api, followJournal, type StreamState } from './api.js'
import { clock, ms, onRowKey, outcomeClass, short, statusClass } from './format.js'
import { navigate, transactionPath } from './router.js'

/** Rows kept on screen; older ones stay in the emulator's journal. */
const MAX_ROWS = 500

interface Filters { project_id: string, transaction_id: string, status: string }

/** The live request journal: newest first, streaming, filterable, pausable. */
export function JournalView () {
  const [filters, setFilters] = useState<Filters>({ project_id: '', transaction_id: '', status: '' })
  const [rows, setRows] = useState<JournalEntry[]>([])
  const [paused, setPaused] = useState(false)
  const [held, setHeld] = useState<JournalEntry[]>([])
  const [state, setState] = useState<StreamState>('connecting')
  const [error, setError] = useState<string>()
  const pausedRef = useRef(paused)
  pausedRef.current = paused

  useEffect(() => {
    let stop = () => {}
    let cancelled = false
    const filter = { project_id: filters.project_id.trim(), transaction_id: filters.transaction_id.trim(), status: filters.status.trim() }
    setError(undefined)
    api('ListRequests', { query: { ...filter, limit: 200 } }).then(({ requests }) => {
      if (cancelled) return
      setRows(requests.slice().reverse())
      setHeld([])
      const last = requests.length > 0 ? requests[requests.length - 1].seq : 0
      stop = followJournal(filter, last, (entry) => {
        if (pausedRef.current) setHeld((h) => [entry, ...h].slice(0, MAX_ROWS))
        else setRows((r) => [entry, ...r].slice(0, MAX_ROWS))
      }, setState, () => { setRows([]); setHeld([]) })
    }, (err: Error) => setError(err.message))
    return () => { cancelled = true; stop() }
  }, [filters.project_id, filters.transaction_id, filters.status])

  const resume = () => {
    setRows((r) => [...held, ...r].slice(0, MAX_ROWS))
    setHeld([])
    setPaused(false)
  }
  const set = (key: keyof Filters) => (e: Event) => setFilters({ ...filters, [key]: (e.target as HTMLInputElement).value })

  return (
    <section aria-labelledby='journal-h'>
      <div class='toolbar'>
        <h2 id='journal-h'>Live requests</h2>
        <span class={`live live-${paused ? 'paused' : state}`} role='status'>{paused ? `paused · ${held.length} new` : state}</span>
        <form class='filters' onSubmit={(e) => e.preventDefault()}>
          <label>project <input name='project_id' value={filters.project_id} onChange={set('project_id')} placeholder='any' /></label>
          <label>transaction <input name='transaction_id' value={filters.transaction_id} onChange={set('transaction_id')} placeholder='any' /></label>
          <label>status <input name='status' value={filters.status} onChange={set('status')} placeholder='any' inputMode='numeric' size={4} /></label>
        </form>
        <button type='button' class='btn' aria-pressed={paused} onClick={() => paused ? resume() : setPaused(true)}>{paused ? 'Resume' : 'Pause'}</button>
        <button type='button' class='btn ghost' onClick={() => { setRows([]); setHeld([]) }}>Clear view</button>
      </div>
      {error !== undefined && <p class='error' role='alert'>{error}</p>}
      <div class='table-wrap'>
        <table class='grid journal' aria-label='Requests, newest first' aria-rowcount={rows.length}>
          <thead>
            <tr><th scope='col'>time</th><th scope='col'>method</th><th scope='col'>project</th><th scope='col'>transaction</th><th scope='col'>status</th><th scope='col'>outcome</th><th scope='col'>auth principal</th><th scope='col' class='num'>duration</th></tr>
          </thead>
          <tbody>
            {rows.map((e, i) => {
              const open = e.project_id !== undefined && e.transaction_id !== undefined
                ? () => navigate(transactionPath(e.project_id!, e.transaction_id!))
                : undefined
              return (
                <tr key={e.seq} data-seq={e.seq} tabIndex={i === 0 ? 0 : -1} class={open ? 'clickable' : undefined} onClick={open} onKeyDown={(ev) => onRowKey(ev, open)}>
                  <td class='mono'>{clock(e.time)}</td>
                  <td>{e.method}</td>
                  <td class='mono' title={e.project_id}>{short(e.project_id)}</td>
                  <td class='mono' title={e.transaction_id}>{short(e.transaction_id, 10)}</td>
                  <td><span class={`pill ${statusClass(e.status)}`}>{e.status === 0 ? 'none' : e.status}</span></td>
                  <td><span class={`pill ${outcomeClass(e.outcome)}`} title={e.fault_id === undefined ? undefined : `fault rule ${e.fault_id}`}>{e.outcome}</span></td>
                  <td class={e.auth.ok ? '' : 'auth-bad'}>{e.auth.scheme === 'none' ? '—' : `${e.auth.scheme}: ${e.auth.principal ?? '?'}`}{e.auth.ok ? '' : ' ✕'}</td>
                  <td class='num mono'>{ms(e.duration_ms)}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
        {rows.length === 0 && <p class='empty'>No requests yet. Send one to the emulated API and it appears here.</p>}
      </div>
    </section>
  )
}
