import { logger } from '@libp2p/logger'
import type { Libp2p, PeerDiscovery, PeerInfo } from '@libp2p/interface'

const log = logger('p2pcloud:node:discovery')

type DiscoveryFactory = (components: any) => PeerDiscovery

/**
 * libp2p v3 records the peers that mDNS, bootstrap or the DHT discover, but no
 * longer dials them; and its `peer:discovery` event fires only for peers new to
 * the (persistent) peer store, so a peer seen in an earlier run would never be
 * dialled again. A p2pcloud peer wants a mesh: this dials every peer a
 * discovery service reports while we hold fewer than `minConnections`.
 */
export class DiscoveryDialer {
  private node?: Libp2p
  private readonly dialing = new Set<string>()

  constructor (private readonly minConnections: number, private readonly dialTimeoutMs: number) {}

  /** Wrap a discovery service factory so that each peer it reports is offered to the dialer. */
  watch (factory: DiscoveryFactory): DiscoveryFactory {
    return (components) => {
      const discovery = factory(components)
      discovery.addEventListener('peer', (event) => { this.offer(event.detail) })
      return discovery
    }
  }

  /** Start dialling for `node`; also takes peers found by the DHT's random walk. */
  attach (node: Libp2p): void {
    this.node = node
    node.addEventListener('peer:discovery', (event) => { this.offer(event.detail) })
  }

  private offer (peer: PeerInfo): void {
    const node = this.node
    if (node == null || node.status !== 'started' || this.minConnections === 0) return
    const key = peer.id.toString()
    if (peer.id.equals(node.peerId) || this.dialing.has(key) || node.getConnections(peer.id).length > 0) return
    if (node.getConnections().length + this.dialing.size >= this.minConnections) return
    this.dialing.add(key)
    node.dial(peer.id, { signal: AbortSignal.timeout(this.dialTimeoutMs) })
      .catch(err => { log('could not dial discovered peer %p - %e', peer.id, err) })
      .finally(() => { this.dialing.delete(key) })
  }
}
