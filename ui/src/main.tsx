import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { DASHBOARD_URL } from '../../src/control/route-paths.js'
import { api, hasToken, setToken, whenUnauthorized } from './api.js'
import { FaultsView } from './faults.js'
import { JournalView } from './journal.js'
import { navigate, useRoute } from './router.js'
import { StatusStrip } from './status.js'
import { TransactionDetail } from './transaction-detail.js'
import { TransactionsView } from './transactions.js'
import './style.css'

type Access = 'checking' | 'open' | 'needs-token'

/** Asks for the admin token; nothing else is shown until the emulator accepts it. */
function TokenPrompt ({ onAccepted, rejected }: { onAccepted: () => void, rejected: boolean }) {
  const [value, setValue] = useState('')
  const [wrong, setWrong] = useState(rejected)
  const submit = async (e: Event) => {
    e.preventDefault()
    setToken(value)
    try {
      await api('Health')
      onAccepted()
    } catch {
      setToken(null)
      setWrong(true)
    }
  }
  return (
    <main class='token-page'>
      <form class='card token-card' onSubmit={submit}>
        <h1>wks-emulator</h1>
        <p>This emulator's control plane needs its admin token (<code>--admin-token</code>).</p>
        <label for='admin-token'>Admin token</label>
        <input
          id='admin-token' name='admin-token' type='password' autoComplete='off' value={value} autoFocus
          onInput={(e) => setValue((e.target as HTMLInputElement).value)} aria-invalid={wrong} aria-describedby={wrong ? 'token-error' : undefined}
        />
        {wrong && <p id='token-error' class='field-error' role='alert'>The emulator did not accept this token.</p>}
        <button type='submit' class='btn primary'>Open dashboard</button>
        <p class='muted'>Kept in this tab only and sent as an <code>Authorization: Bearer</code> header.</p>
      </form>
    </main>
  )
}

const TABS = [['', 'Live requests'], ['transactions', 'Transactions'], ['faults', 'Faults']] as const

function App () {
  const [access, setAccess] = useState<Access>('checking')
  const [rejected, setRejected] = useState(false)
  const route = useRoute()
  useEffect(() => {
    whenUnauthorized(() => { setRejected(hasToken()); setToken(null); setAccess('needs-token') })
    api('Health').then(() => setAccess('open'), () => setAccess('needs-token'))
  }, [])
  useEffect(() => { document.title = `${route[0] ?? 'requests'} · wks-emulator` }, [route.join('/')])

  if (access === 'checking') return null
  if (access === 'needs-token') return <TokenPrompt rejected={rejected} onAccepted={() => { setRejected(false); setAccess('open') }} />
  const tab = route[0] ?? ''
  let view
  if (tab === 'transactions' && route.length >= 3) view = <TransactionDetail projectId={route[1]} transactionId={route.slice(2).join('/')} />
  else if (tab === 'transactions') view = <TransactionsView />
  else if (tab === 'faults') view = <FaultsView />
  else view = <JournalView />
  return (
    <>
      <header class='top'>
        <a class='brand' href={DASHBOARD_URL} onClick={(e) => { e.preventDefault(); navigate('') }}>wks-emulator</a>
        <nav aria-label='Sections'>
          {TABS.map(([path, label]) => (
            <a key={path} href={`${DASHBOARD_URL}/${path}`} aria-current={tab === path ? 'page' : undefined} onClick={(e) => { e.preventDefault(); navigate(path) }}>{label}</a>
          ))}
        </nav>
        <StatusStrip />
      </header>
      <main class='content'>{view}</main>
    </>
  )
}

render(<App />, document.getElementById('app')!)
