import { idView, peersView, peerView, readJsonBody, requireString, statusView, type Routes } from '@p2pcloud/api'
import { DHT_PROTOCOL, parseMultiaddr, type HomePeer } from '@p2pcloud/node'

/** The core peer's `/v1` endpoints: id, status, peers, connect (see packages/api/README.md). */
export function peerRoutes (peer: HomePeer, startedAt: Date): Routes {
  const node = peer.libp2p
  return {
    'GET /v1/id': async () => idView(node),
    'GET /v1/status': async () => statusView(node, { startedAt, home: peer.paths.root, dhtProtocol: DHT_PROTOCOL }),
    'GET /v1/peers': async () => peersView(node),
    'POST /v1/connect': async (req) => {
      const target = parseMultiaddr(requireString(await readJsonBody(req), 'multiaddr'))
      const connection = await node.dial(target, { signal: AbortSignal.timeout(peer.config.connections.dialTimeoutMs) })
      return peerView(node, connection.remotePeer)
    }
  }
}
