import { useEffect, useRef, useState } from 'preact/hooks'
import type { AccessStagesBody, TransactionRecord } from '../../src/schemas/access-stages.js'
import { api, ApiError } from './api.js'
import { navigate } from './router.js'
import { StageWaterfall } from './waterfall.js'

type Source = 'stored' | 'served'

/** Width of an element, followed as the window changes. */
function useWidth (): [preact.RefObject<HTMLDivElement>, number] {
  const ref = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(800)
  useEffect(() => {
    if (ref.current === null) return
    const observer = new ResizeObserver(([e]) => setWidth(Math.floor(e.contentRect.width)))
    observer.observe(ref.current)
    return () => observer.disconnect()
  }, [ref.current])
  return [ref, width]
}

const bodyText = ({ project_id: _p, transaction_id: _t, ...body }: TransactionRecord): string => JSON.stringify(body, null, 2)

/**
 * One login: its stage waterfall, and its record as JSON to edit or delete. A transaction that is
 * not stored (answered by --unknown-transaction generate) is read from the emulated API itself.
 */
export function TransactionDetail ({ projectId, transactionId }: { projectId: string, transactionId: string }) {
  const [record, setRecord] = useState<TransactionRecord>()
  const [source, setSource] = useState<Source>('stored')
  const [text, setText] = useState('')
  const [problem, setProblem] = useState<{ field?: string, message: string }>()
  const [notice, setNotice] = useState<string>()
  const [error, setError] = useState<string>()
  const [ref, width] = useWidth()
  const key = { project_id: projectId, transaction_id: transactionId }

  useEffect(() => {
    setRecord(undefined)
    api('GetTransaction', { params: key }).then((r) => {
      setRecord(r); setSource('stored'); setText(bodyText(r))
    }, async (err: ApiError) => {
      if (err.status !== 404) { setError(err.message); return }
      // Not stored: ask the emulated API, as a client would (generated records exist only there).
      const res = await fetch(`/v2/${encodeURIComponent(projectId)}/statistics/metrics/access-stages?transaction_id=${encodeURIComponent(transactionId)}`, { headers: { 'x-auth-token': 'wks-emulator-dashboard' } })
      const body = await res.json() as AccessStagesBody & { error_msg?: string }
      if (!res.ok) { setError(body.error_msg ?? err.message); return }
      const r = { project_id: projectId, transaction_id: transactionId, ...body }
      setRecord(r); setSource('served'); setText(bodyText(r))
    })
  }, [projectId, transactionId])

  const save = async () => {
    setProblem(undefined); setNotice(undefined)
    let body: unknown
    try { body = JSON.parse(text) } catch (e) { setProblem({ message: `Not valid JSON: ${(e as Error).message}` }); return }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) { setProblem({ message: 'The record must be a JSON object.' }); return }
    const next = { ...(body as object), project_id: projectId, transaction_id: transactionId }
    try {
      await api('UpsertTransactions', { body: next })
      const stored = await api('GetTransaction', { params: key })
      setRecord(stored); setSource('stored'); setText(bodyText(stored)); setNotice('Saved.')
    } catch (e) {
      const err = e as ApiError
      setProblem({ field: err.field, message: err.message })
    }
  }
  const remove = async () => {
    if (!confirm(`Delete transaction ${transactionId}?`)) return
    try { await api('DeleteTransaction', { params: key }); navigate('transactions') } catch (e) { setError((e as Error).message) }
  }

  return (
    <section aria-labelledby='detail-h'>
      <div class='toolbar'>
        <h2 id='detail-h'>Transaction <code>{transactionId}</code></h2>
        <span class='muted'>project <code>{projectId}</code></span>
        {record?.username !== undefined && <span class='tag'>{record.username}</span>}
        {record?.biz_type !== undefined && <span class='tag'>{record.biz_type}</span>}
        {source === 'served' && <span class='tag'>not stored: answered by the API</span>}
      </div>
      {error !== undefined && <p class='error' role='alert'>{error}</p>}
      <div ref={ref} class='chart-box'>
        {record !== undefined && <StageWaterfall stages={record.stages ?? []} width={width} />}
      </div>
      {record !== undefined && (
        <div class='editor'>
          <label for='record-json'><h3>Record (JSON, without its key)</h3></label>
          <div class='editor-row'>
            <textarea
              id='record-json' spellcheck={false} value={text} aria-invalid={problem !== undefined} aria-describedby='record-problem'
              onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} rows={Math.min(Math.max(text.split('\n').length, 8), 30)}
            />
            <div id='record-problem' class='editor-side' aria-live='polite'>
              {problem !== undefined && (
                <p class='field-error'>{problem.field !== undefined && <><code>{problem.field}</code><br /></>}{problem.message}</p>
              )}
              {notice !== undefined && <p class='ok'>{notice}</p>}
              <p class='muted'>Checked by the emulator with the same schema as POST /_emulator/transactions; nothing is stored when it is invalid.</p>
            </div>
          </div>
          <div class='actions'>
            <button type='button' class='btn primary' onClick={save}>{source === 'stored' ? 'Save' : 'Store this record'}</button>
            {source === 'stored' && <button type='button' class='btn danger' onClick={remove}>Delete</button>}
          </div>
        </div>
      )}
    </section>
  )
}
