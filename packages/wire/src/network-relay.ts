/** Names and limits of the network relay protocol (protocols/network-relay.md). */
export const NETWORK_RELAY_PROTOCOL = '/p2pcloud/network-relay/1.0.0'

/** Bytes of a network id and of a WireGuard public key. */
export const NETWORK_ID_BYTES = 16
export const WIREGUARD_KEY_BYTES = 32

/** The largest datagram a frame carries: WireGuard's largest message at the 1420-byte MTU is 1452 bytes. */
export const MAX_RELAYED_DATAGRAM = 2048

/** RelayOpen and RelayAccept frames are small; anything longer is a violation. */
export const MAX_RELAY_HANDSHAKE_BYTES = 512

export const NETWORK_RELAY_LIMITS = {
  /** Relay streams one connection may carry at once: one per network the two peers share. */
  maxInboundStreams: 64,
  maxOutboundStreams: 64,
  /** RelayOpens one peer may send per second, and at once. */
  ratePerSecond: 2,
  burst: 16,
  /** For the handshake's frames; datagrams after it have none (a quiet network is not an error). */
  timeoutMs: 10_000
} as const
