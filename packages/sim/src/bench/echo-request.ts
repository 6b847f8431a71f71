import { CAPACITY_LIMITS, capacityMessages, handleRequests, request, type StreamOpener } from '@p2pcloud/wire'
import type { PeerId } from '@libp2p/interface'
import type { P2PCloudLibp2p } from '@p2pcloud/node'

/**
 * The baseline of the contract benchmarks: a trivial request/response with
 * the same framing and helpers as the real protocols, and no rate limit.
 */
const echo = {
  protocol: '/p2pcloud-bench/echo-request/1.0.0',
  request: capacityMessages.CapacityRequest,
  response: capacityMessages.CapacityResponse,
  limits: { ...CAPACITY_LIMITS, ratePerSecond: 1e6, burst: 1e6 }
}

export async function serveEchoRequests (node: P2PCloudLibp2p): Promise<void> {
  await handleRequests(node, {
    ...echo,
    respond: async () => ({ advertEnvelope: new Uint8Array() }),
    errorResponse: (error) => ({ error, advertEnvelope: new Uint8Array() })
  })
}

export async function echoRequest (node: StreamOpener, peer: PeerId): Promise<void> {
  await request(node, peer, echo, {})
}
