import type { ProtocolLimits } from './rpc.js'

/** Names and limits of the flist block exchange (protocols/blocks.proto, protocols/blocks.md). */
export const BLOCKS_PROTOCOL = '/p2pcloud/blocks/1.0.0'

/** Largest block (flist.md: 512 KiB, data and manifest blocks alike). */
export const MAX_EXCHANGED_BLOCK_BYTES = 512 * 1024

/** Most CIDs one request may name; more is TOO_LARGE. */
export const MAX_CIDS_PER_REQUEST = 32

/** Longest binary CID accepted (a CIDv1 with a sha2-256 multihash is 36 bytes). */
export const MAX_CID_BYTES = 64

export const BlocksErrorCodes = {
  /** A CID that does not parse, or is not a flist CID (CIDv1, raw or protobuf, sha2-256). */
  BAD_REQUEST: 'BAD_REQUEST',
  TOO_LARGE: 'TOO_LARGE',
  RATE_LIMITED: 'RATE_LIMITED'
} as const

/**
 * A request carries at most 32 × 512 KiB = 16 MiB, so the request rate also bounds the bytes
 * one peer can draw: 10 requests/s is at most 160 MiB/s per peer.
 */
export const BLOCKS_LIMITS: ProtocolLimits = {
  // 32 CIDs of at most 64 bytes, each with a 2-byte tag and length
  maxRequestBytes: MAX_CIDS_PER_REQUEST * (MAX_CID_BYTES + 2),
  // one block plus its CID, the missing flag and the field tags
  maxResponseBytes: MAX_EXCHANGED_BLOCK_BYTES + 128,
  maxInboundStreams: 16,
  maxOutboundStreams: 16,
  ratePerSecond: 10,
  burst: 20,
  timeoutMs: 10_000
}
