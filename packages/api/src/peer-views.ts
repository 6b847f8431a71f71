import type { SingleKadDHT } from '@libp2p/kad-dht'
import type { PeerId } from '@libp2p/interface'
import { VERSION, type P2PCloudLibp2p } from '@p2pcloud/node'

/** JSON views of the running peer, shared by the API routes. */

export interface IdView {
  peerId: string
  addresses: string[]
}

export interface PeerView {
  peerId: string
  /** Dialable addresses the peer told us (identify), else the address we are connected on. */
  addresses: string[]
  connections: Array<{ remoteAddress: string, direction: 'inbound' | 'outbound', status: string }>
  protocols: string[]
  agent?: string
}

export function idView (node: P2PCloudLibp2p): IdView {
  return {
    peerId: node.peerId.toString(),
    addresses: node.getMultiaddrs().map(ma => ma.toString())
  }
}

export async function peerView (node: P2PCloudLibp2p, peerId: PeerId): Promise<PeerView> {
  const connections = node.getConnections(peerId)
  const stored = await node.peerStore.get(peerId).catch(() => undefined)
  const known = stored?.addresses.map(a => a.multiaddr.toString()) ?? []
  const agent = stored?.metadata.get('AgentVersion')
  return {
    peerId: peerId.toString(),
    addresses: known.length > 0 ? known : connections.map(c => c.remoteAddr.toString()),
    connections: connections.map(c => ({ remoteAddress: c.remoteAddr.toString(), direction: c.direction, status: c.status })),
    protocols: stored?.protocols ?? [],
    ...(agent != null ? { agent: new TextDecoder().decode(agent) } : {})
  }
}

/** Every peer we hold at least one open connection to. */
export async function peersView (node: P2PCloudLibp2p): Promise<PeerView[]> {
  return Promise.all(node.getPeers().map(async peerId => peerView(node, peerId)))
}

export interface StatusView extends IdView {
  version: string
  status: string
  startedAt: string
  uptimeSeconds: number
  peers: number
  connections: number
  dht: { protocol: string, mode: 'client' | 'server', routingTableSize: number }
  pubsub: { topics: string[], peers: number }
  home: string
}

export function statusView (node: P2PCloudLibp2p, info: { startedAt: Date, home: string, dhtProtocol: string }): StatusView {
  const dht = node.services.dht as SingleKadDHT
  return {
    ...idView(node),
    version: VERSION,
    status: node.status,
    startedAt: info.startedAt.toISOString(),
    uptimeSeconds: Math.round((Date.now() - info.startedAt.getTime()) / 1000),
    peers: node.getPeers().length,
    connections: node.getConnections().length,
    dht: { protocol: info.dhtProtocol, mode: dht.getMode(), routingTableSize: dht.routingTable?.size ?? 0 },
    pubsub: { topics: node.services.pubsub.getTopics(), peers: node.services.pubsub.getPeers().length },
    home: info.home
  }
}
