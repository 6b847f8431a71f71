import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { LOGGED_OUT } from './api.js'
import { Show } from './components/feedback.js'
import { shortId } from './format.js'
import { useApi, useRoute } from './hooks.js'
import { lazyPage } from './lazy.js'
import { Explorer } from './pages/explorer.js'
import './style.css'

// the explorer comes with the first load; every other page when it is first opened
const Mesh = lazyPage(async () => (await import('./pages/mesh.js')).Mesh)
const Deployments = lazyPage(async () => (await import('./pages/deployments.js')).Deployments)
const Deployment = lazyPage(async () => (await import('./pages/deployment.js')).Deployment)
const Deploy = lazyPage(async () => (await import('./pages/deploy.js')).Deploy)
const Update = lazyPage(async () => (await import('./pages/deploy.js')).Update)
const Networks = lazyPage(async () => (await import('./pages/networks.js')).Networks)
const NetworkPage = lazyPage(async () => (await import('./pages/networks.js')).NetworkPage)
const Storage = lazyPage(async () => (await import('./pages/storage.js')).Storage)
const Farmer = lazyPage(async () => (await import('./pages/farmer.js')).Farmer)

const PAGES = [
  { path: 'explorer', title: 'Explorer' },
  { path: 'mesh', title: 'Mesh' },
  { path: 'deployments', title: 'Deployments' },
  { path: 'deploy', title: 'Deploy' },
  { path: 'networks', title: 'Networks' },
  { path: 'storage', title: 'Storage' }
]

function Page ({ route }: { route: string[] }) {
  const [page, name, action] = route
  if (page === 'mesh') return <Mesh />
  if (page === 'deployments' && name != null && action === 'update') return <Update name={name} />
  if (page === 'deployments' && name != null) return <Deployment name={name} />
  if (page === 'deployments') return <Deployments />
  if (page === 'deploy') return <Deploy />
  if (page === 'networks' && name != null) return <NetworkPage name={name} />
  if (page === 'networks') return <Networks />
  if (page === 'storage') return <Storage />
  if (page === 'farmer') return <Farmer />
  return <Explorer />
}

/** Shown when the daemon does not know this browser: the way in is a link from the daemon's own user. */
function LoginNeeded () {
  return (
    <main class="login">
      <h1>p2pcloud</h1>
      <p>This browser is not logged in to this daemon. On its machine, as its user, run</p>
      <pre>p2pcloud ui</pre>
      <p>and open the link it prints. A link works once, for a minute.</p>
    </main>
  )
}

/** Whether the daemon has refused this browser's session: any call answered 401 says so. */
function useLoggedOut (): boolean {
  const [out, setOut] = useState(false)
  useEffect(() => {
    const refused = (): void => { setOut(true) }
    addEventListener(LOGGED_OUT, refused)
    return () => { removeEventListener(LOGGED_OUT, refused) }
  }, [])
  return out
}

function App () {
  const route = useRoute()
  const loggedOut = useLoggedOut()
  const id = useApi<{ peerId: string }>('/v1/id')
  // only a farmer has an advert of its own: the farmer page is offered on farmers alone
  const farmer = useApi<unknown>(id.data != null ? '/v1/capacity' : null).data != null
  if (loggedOut) return <LoginNeeded />
  const current = route[0] ?? 'explorer'
  return (
    <>
      <nav>
        <strong>p2pcloud</strong>
        {[...PAGES, ...(farmer ? [{ path: 'farmer', title: 'Farmer' }] : [])].map(p => <a key={p.path} href={`#/${p.path}`} class={current === p.path ? 'active' : ''}>{p.title}</a>)}
        {id.data != null && <code class="me" title={id.data.peerId}>{shortId(id.data.peerId)}</code>}
      </nav>
      <main>
        <Show loaded={id} what="who it is">{() => <Page route={route} />}</Show>
      </main>
    </>
  )
}

render(<App />, document.getElementById('app')!)
