import { Fragment } from 'preact'
import { Show } from '../components/feedback.js'
import { shortId } from '../format.js'
import { useApi } from '../hooks.js'
import type { Peer, Status } from '../types.js'

function Health ({ status }: { status: Status }) {
  const facts: Array<[string, string | number]> = [
    ['Peer id', status.peerId],
    ['Version', status.version],
    ['Up for', `${Math.round(status.uptimeSeconds / 60)} min`],
    ['Peers', status.peers],
    ['Connections', status.connections],
    ['DHT', `${status.dht.mode}, ${status.dht.routingTableSize} in the routing table`],
    ['Gossip', `${status.pubsub.peers} peers on ${status.pubsub.topics.length} topic(s): ${status.pubsub.topics.join(', ') || 'none'}`]
  ]
  return <dl class="facts">{facts.map(([k, v]) => <Fragment key={k}><dt>{k}</dt><dd>{v}</dd></Fragment>)}</dl>
}

/** The mesh as this peer sees it: its own health, and every peer it has a connection to. */
export function Mesh () {
  const status = useApi<Status>('/v1/status', 5_000)
  const peers = useApi<Peer[]>('/v1/peers', 5_000)
  return (
    <section>
      <h1>Mesh</h1>
      <Show loaded={status} what="its status">{s => <Health status={s} />}</Show>
      <h2>Connected peers</h2>
      <Show loaded={peers} what="its peers">
        {list => list.length === 0
          ? <p class="muted">No peer is connected.</p>
          : (
            <table>
              <thead><tr><th>Peer</th><th>Agent</th><th>Connections</th><th>Protocols</th></tr></thead>
              <tbody>
                {list.map(peer => (
                  <tr key={peer.peerId}>
                    <td><code title={peer.peerId}>{shortId(peer.peerId)}</code></td>
                    <td>{peer.agent ?? '(identifying…)'}</td>
                    <td>{peer.connections.map(c => <div key={c.remoteAddress}>{c.direction} {c.status} <code>{c.remoteAddress.replace(/\/p2p\/.*$/, '')}</code></div>)}</td>
                    <td title={peer.protocols.join('\n')}>{peer.protocols.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            )}
      </Show>
    </section>
  )
}
