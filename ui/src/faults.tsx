import { useEffect, useState } from 'preact/hooks'
import type { FaultRule, FaultRuleView } from '../../src/schemas/faults.js'
import { api, ApiError } from './api.js'
import { onRowKey, short } from './format.js'

const KINDS = ['error', 'delay', 'reset', 'malformed', 'hang']
type Form = Record<'id' | 'project_id' | 'transaction_id' | 'header_name' | 'header_value' | 'kind' | 'status' | 'error_code' | 'error_msg' | 'delay_ms' | 'jitter_ms' | 'probability' | 'after' | 'times', string>
const EMPTY: Form = { id: '', project_id: '', transaction_id: '', header_name: '', header_value: '', kind: 'error', status: '503', error_code: '', error_msg: '', delay_ms: '', jitter_ms: '', probability: '', after: '', times: '' }

// A number field as typed: the API's validation, not the form's, decides what is acceptable.
const num = (v: string): number | undefined => v.trim() === '' ? undefined : Number(v)
const text = (v: string): string | undefined => v === '' ? undefined : v

/** The rule the form describes, with only the fields filled in. */
function ruleOf (f: Form): FaultRule {
  const match: NonNullable<FaultRule['match']> = {}
  if (f.project_id !== '') match.project_id = f.project_id
  if (f.transaction_id !== '') match.transaction_id = f.transaction_id
  if (f.header_name !== '') match.header = { name: f.header_name, value: f.header_value }
  const action: FaultRule['action'] = { kind: f.kind as FaultRule['action']['kind'] }
  if (f.kind === 'error') { action.status = num(f.status); action.error_code = text(f.error_code); action.error_msg = text(f.error_msg) }
  action.delay_ms = num(f.delay_ms)
  action.jitter_ms = num(f.jitter_ms)
  const rule: FaultRule = { action, match }
  if (f.id !== '') rule.id = f.id
  rule.probability = num(f.probability)
  rule.after = num(f.after)
  rule.times = num(f.times)
  return JSON.parse(JSON.stringify(rule)) as FaultRule
}

// Where the API's field names are shown in the form.
const FIELD_OF: Record<string, keyof Form> = {
  id: 'id',
  'match.project_id': 'project_id',
  'match.transaction_id': 'transaction_id',
  'match.header.name': 'header_name',
  'match.header.value': 'header_value',
  'action.kind': 'kind',
  'action.status': 'status',
  'action.error_code': 'error_code',
  'action.error_msg': 'error_msg',
  'action.delay_ms': 'delay_ms',
  'action.jitter_ms': 'jitter_ms',
  probability: 'probability',
  after: 'after',
  times: 'times'
}

const describeMatch = (r: FaultRuleView): string => {
  const parts = [r.match?.project_id && `project ${short(r.match.project_id)}`, r.match?.transaction_id && `transaction ${short(r.match.transaction_id)}`, r.match?.header && `${r.match.header.name}: ${r.match.header.value}`].filter(Boolean)
  return parts.length === 0 ? 'every request' : parts.join(', ')
}
const describeAction = ({ action: a }: FaultRuleView): string =>
  [a.kind ?? (a.status !== undefined || a.delay_ms === undefined ? 'error' : 'delay'), a.status, a.error_code, a.delay_ms !== undefined && `+${a.delay_ms} ms`, a.jitter_ms !== undefined && `±${a.jitter_ms} ms`].filter((x) => x !== undefined && x !== false).join(' ')

/** Fault rules with live counters, a form to add one, and the project reset. */
export function FaultsView () {
  const [rules, setRules] = useState<FaultRuleView[]>([])
  const [form, setForm] = useState<Form>(EMPTY)
  const [problem, setProblem] = useState<{ field?: keyof Form, message: string }>()
  const [error, setError] = useState<string>()
  const [resetProject, setResetProject] = useState('')
  const [confirming, setConfirming] = useState(false)
  const [notice, setNotice] = useState<string>()

  const load = () => api('ListFaults').then(({ faults }) => { setRules(faults); setError(undefined) }, (e: Error) => setError(e.message))
  useEffect(() => {
    load().catch(() => {})
    const timer = setInterval(load, 1000)
    return () => clearInterval(timer)
  }, [])

  const submit = async (e: Event) => {
    e.preventDefault()
    setProblem(undefined)
    try {
      const created = await api('AddFault', { body: ruleOf(form) })
      setNotice(`Rule ${created.id} added.`)
      setForm(EMPTY)
      await load()
    } catch (err) {
      const apiErr = err as ApiError
      setProblem({ field: apiErr.field === undefined ? undefined : FIELD_OF[apiErr.field], message: apiErr.message })
    }
  }
  const remove = async (id: string) => { await api('DeleteFault', { params: { id } }).catch((e: Error) => setError(e.message)); await load() }
  const reset = async () => {
    setConfirming(false)
    try {
      const r = await api('Reset', { query: { project_id: resetProject } })
      setNotice(`Project ${resetProject} is back to its start state: ${r.transactions} records, ${r.faults} fault rules.`)
      await load()
    } catch (e) { setError((e as Error).message) }
  }

  const field = (name: keyof Form, label: string, props: Record<string, unknown> = {}) => (
    <label class={problem?.field === name ? 'invalid' : undefined}>
      {label}
      <input
        name={name} value={form[name]} onInput={(e) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value })}
        aria-invalid={problem?.field === name} aria-describedby={problem?.field === name ? 'fault-problem' : undefined} {...props}
      />
      {problem?.field === name && <span id='fault-problem' class='field-error' role='alert'>{problem.message}</span>}
    </label>
  )

  return (
    <section aria-labelledby='faults-h'>
      <div class='toolbar'><h2 id='faults-h'>Fault rules</h2><span class='muted'>tried in this order; the first that matches and fires decides</span></div>
      {error !== undefined && <p class='error' role='alert'>{error}</p>}
      {notice !== undefined && <p class='ok' role='status'>{notice}</p>}
      <div class='table-wrap'>
        <table class='grid' aria-label='Fault rules'>
          <thead><tr><th scope='col'>id</th><th scope='col'>match</th><th scope='col'>action</th><th scope='col' class='num'>probability</th><th scope='col' class='num'>after / times</th><th scope='col' class='num'>matched</th><th scope='col' class='num'>fired</th><th scope='col'>spent</th><th scope='col'><span class='sr-only'>actions</span></th></tr></thead>
          <tbody>
            {rules.map((r, i) => (
              <tr key={r.id} tabIndex={i === 0 ? 0 : -1} data-rule={r.id} class={r.spent ? 'row-spent' : undefined} onKeyDown={(e) => onRowKey(e)}>
                <td class='mono'>{r.id}</td>
                <td>{describeMatch(r)}</td>
                <td class='mono'>{describeAction(r)}</td>
                <td class='num'>{r.probability ?? 1}</td>
                <td class='num'>{r.after ?? 0} / {r.times ?? '∞'}</td>
                <td class='num mono' data-counter='matched'>{r.matched}</td>
                <td class='num mono' data-counter='fired'>{r.fired}</td>
                <td>{r.spent ? 'yes' : 'no'}</td>
                <td><button type='button' class='btn small danger' aria-label={`Delete rule ${r.id}`} onClick={() => remove(r.id)}>Delete</button></td>
              </tr>
            ))}
          </tbody>
        </table>
        {rules.length === 0 && <p class='empty'>No fault rules: every request is answered normally.</p>}
      </div>

      <form class='card fault-form' onSubmit={submit} aria-labelledby='new-fault-h' noValidate>
        <h3 id='new-fault-h'>New rule</h3>
        {problem !== undefined && problem.field === undefined && <p class='field-error' role='alert'>{problem.message}</p>}
        <fieldset><legend>match (all given must match)</legend>
          {field('project_id', 'project_id')}{field('transaction_id', 'transaction_id')}{field('header_name', 'header name')}{field('header_value', 'header value')}
        </fieldset>
        <fieldset><legend>action</legend>
          <label>kind
            <select name='kind' value={form.kind} onChange={(e) => setForm({ ...form, kind: (e.target as HTMLSelectElement).value })}>
              {KINDS.map((k) => <option key={k}>{k}</option>)}
            </select>
          </label>
          {form.kind === 'error' && <>{field('status', 'status', { inputMode: 'numeric', size: 4 })}{field('error_code', 'error_code')}{field('error_msg', 'error_msg')}</>}
          {field('delay_ms', 'delay_ms', { inputMode: 'numeric' })}{field('jitter_ms', 'jitter_ms', { inputMode: 'numeric' })}
        </fieldset>
        <fieldset><legend>when</legend>
          {field('probability', 'probability (0–1)', { inputMode: 'decimal' })}{field('after', 'after (let N pass)', { inputMode: 'numeric' })}{field('times', 'times (then spent)', { inputMode: 'numeric' })}{field('id', 'id (optional)')}
        </fieldset>
        <div class='actions'><button type='submit' class='btn primary'>Add rule</button></div>
      </form>

      <div class='card danger-zone'>
        <h3>Reset a project</h3>
        <p class='muted'>Back to the start state for one project: its fixtures, start-up fault rules and an empty journal.</p>
        <label>project_id <input name='reset_project' value={resetProject} onInput={(e) => { setResetProject((e.target as HTMLInputElement).value); setConfirming(false) }} /></label>
        {!confirming
          ? <button type='button' class='btn danger' disabled={resetProject === ''} onClick={() => setConfirming(true)}>Reset project…</button>
          : (
            <span class='confirm' role='alertdialog' aria-label='Confirm reset'>
              Reset <code>{resetProject}</code>? Its records and rules return to the start state.
              <button type='button' class='btn danger' onClick={reset}>Yes, reset</button>
              <button type='button' class='btn ghost' onClick={() => setConfirming(false)}>Cancel</button>
            </span>)}
      </div>
    </section>
  )
}
