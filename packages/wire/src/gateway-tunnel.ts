import { DEPLOYMENT_RECORD } from './deployment.js'
import { PROPOSAL_RECORD } from './contract.js'

/** Names and limits of the gateway tunnel protocol (protocols/gateway-tunnel.md). */
export const GATEWAY_TUNNEL_PROTOCOL = '/p2pcloud/gateway-tunnel/1.0.0'

/**
 * A TunnelOpen carries a deployment envelope and a proposal envelope at their own limits, three
 * field headers and a workload name: anything longer is refused before it is decoded.
 */
export const MAX_TUNNEL_OPEN_BYTES = DEPLOYMENT_RECORD.maxBytes + PROPOSAL_RECORD.maxBytes + 64

/** A TunnelAccept is an error at most: code, a message of at most 1 KiB and a retry time. */
export const MAX_TUNNEL_ACCEPT_BYTES = 1200

export const GATEWAY_TUNNEL_LIMITS = {
  /** Tunnels one connection may carry at once: one per client connection of the gateway to this farmer's backends. */
  maxInboundStreams: 256,
  maxOutboundStreams: 256,
  /** TunnelOpens one peer may send per second, and at once: each costs the responder three signature checks. */
  ratePerSecond: 20,
  burst: 64,
  /** For each handshake frame and for connecting to the container; the bytes after it have no timeout here (the gateway's idle timeout ends a silent tunnel). */
  timeoutMs: 10_000
} as const
