import { useState } from 'preact/hooks'
import { call } from '../api.js'
import { ErrorBox, Show } from '../components/feedback.js'
import { formatAgo, shortId } from '../format.js'
import { useAction, useApi } from '../hooks.js'
import type { Network, NetworkMember } from '../types.js'

const networkPath = (name: string): string => `/v1/networks/${encodeURIComponent(name)}`

/** A new network: a name and, if the user wants one, its /16 (else the daemon picks a free 10.n.0.0/16). */
function NewNetwork ({ created }: { created: (name: string) => void }) {
  const [form, setForm] = useState({ name: '', range: '' })
  const action = useAction()
  const create = async (): Promise<void> => {
    const network = await call<Network>('POST', '/v1/networks', { name: form.name, ...(form.range !== '' ? { range: form.range } : {}) })
    created(network.name)
  }
  return (
    <form class="filters" name="network" onSubmit={e => { e.preventDefault(); void action.run('creating', create) }}>
      <label>Name<input name="name" placeholder="backend" value={form.name} onInput={e => { setForm({ ...form, name: e.currentTarget.value }) }} /></label>
      <label>Range<input name="range" placeholder="any free 10.n.0.0/16" value={form.range} onInput={e => { setForm({ ...form, range: e.currentTarget.value }) }} /></label>
      <button type="submit" disabled={action.busy != null}>{action.busy != null ? 'Creating…' : 'Create network'}</button>
      {action.error != null && <ErrorBox error={action.error} />}
    </form>
  )
}

/** This 3Bot's private networks, and a form to make one. */
export function Networks () {
  const list = useApi<Network[]>('/v1/networks', 10_000)
  return (
    <section>
      <h1>Networks</h1>
      <p class="muted">A private network is a /16 of this 3Bot's own; each farmer running its containers in it gets a /24, and the farmers reach each other over WireGuard (over the mesh when no direct path works). Containers join with <code>network: NAME</code>.</p>
      <NewNetwork created={name => { location.hash = `#/networks/${encodeURIComponent(name)}` }} />
      <Show loaded={list} what="its networks">
        {networks => networks.length === 0
          ? <p class="muted">No network yet.</p>
          : (
            <table class="networks">
              <thead><tr><th>Name</th><th>Range</th><th>Members</th><th>Created</th></tr></thead>
              <tbody>
                {networks.map(n => (
                  <tr key={n.name} data-network={n.name}>
                    <td><a href={`#/networks/${encodeURIComponent(n.name)}`}>{n.name}</a></td>
                    <td><code>{n.range}</code></td>
                    <td>{n.members.length === 0 ? 'none yet' : n.members.map(m => `${m.kind} ${shortId(m.peerId)}`).join(', ')}</td>
                    <td>{formatAgo(n.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            )}
      </Show>
    </section>
  )
}

/** How a member farmer reaches each other member, as it said just now. */
function Paths ({ member, members }: { member: NetworkMember, members: NetworkMember[] }) {
  if (member.error != null) return <span class="error">{member.error}</span>
  if (member.kind === 'machine') return <span class="muted">a machine that joined; it does not report paths</span>
  if (member.paths == null || member.paths.length === 0) return <span class="muted">no other member yet</span>
  return (
    <ul class="paths">
      {member.paths.map(p => {
        const other = members.find(m => m.peerId === p.peerId)
        return (
          <li key={p.peerId} data-path={p.path} data-to={p.peerId}>
            → <code title={p.peerId}>{shortId(p.peerId)}</code>{other?.cidr != null && ` (${other.cidr})`}{' '}
            <span class={`tag ${p.path === 'connecting' ? '' : 'ok'}`}>{p.path}</span>
            {p.endpoint != null && <> via <code>{p.endpoint}</code></>}
            , last handshake {p.latestHandshake != null ? formatAgo(p.latestHandshake) : 'never'}
          </li>
        )
      })}
    </ul>
  )
}

/** One network: its members, their /24s and endpoints, each pair's path read from the farmers now; remove. */
export function NetworkPage ({ name }: { name: string }) {
  const network = useApi<Network>(networkPath(name), 5_000)
  const action = useAction()
  const remove = async (force: boolean): Promise<void> => {
    await call('DELETE', `${networkPath(name)}${force ? '?force=1' : ''}`)
    location.hash = '#/networks'
  }
  return (
    <section>
      <h1><a href="#/networks">Networks</a> / {name}</h1>
      <Show loaded={network} what={`network ${name}`}>
        {n => (
          <>
            <p class="muted">Range <code>{n.range}</code>, id <code>{n.networkId}</code>, created {formatAgo(n.createdAt)}. Deploy a container into it from the <a href="#/deploy">wizard</a>, or let this machine in with <code>p2pcloud network join {n.name} --wg-config FILE</code>.</p>
            {n.members.length === 0
              ? <p class="muted">No members yet: a farmer becomes one when a container of this network is deployed on it.</p>
              : (
                <table class="members">
                  <thead><tr><th>Member</th><th>Kind</th><th>Its /24</th><th>Endpoints</th><th>Deployments</th><th>Paths to the others</th></tr></thead>
                  <tbody>
                    {n.members.map(m => (
                      <tr key={m.peerId} data-member={m.peerId}>
                        <td><code title={m.peerId}>{shortId(m.peerId)}</code></td>
                        <td>{m.kind}</td>
                        <td><code>{m.cidr}</code><div class="muted">{m.address}</div></td>
                        <td>{m.endpoints.length === 0 ? <span class="muted">{m.publicKey == null ? 'not reported yet' : 'none'}</span> : m.endpoints.map(e => <div key={e}><code>{e}</code></div>)}</td>
                        <td>{m.deployments.map(d => <div key={d}><a href={`#/deployments/${encodeURIComponent(d)}`}>{d}</a></div>)}</td>
                        <td><Paths member={m} members={n.members} /></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                )}
          </>
        )}
      </Show>
      <div class="actions">
        <button type="button" class="danger" name="remove" disabled={action.busy != null} onClick={() => { if (confirm(`Remove network ${name}?`)) void action.run('removing', async () => remove(false)) }}>Remove</button>
        {action.error?.name === 'NetworkInUse' && <button type="button" class="danger" onClick={() => { void action.run('removing', async () => remove(true)) }}>Forget it anyway</button>}
        {action.busy != null && <span class="muted">{action.busy}…</span>}
        {action.error != null && <ErrorBox error={action.error} />}
      </div>
    </section>
  )
}
