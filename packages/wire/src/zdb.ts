import type { ProtocolLimits } from './rpc.js'

/** Names and limits of the zdb protocol (protocols/zdb.proto, protocols/zdb.md). */
export const ZDB_PROTOCOL = '/p2pcloud/zdb/2.0.0'

export const ZDB_MAX_KEY_BYTES = 256
export const ZDB_MAX_VALUE_BYTES = 4 * 2 ** 20
/** Smallest namespace (ZdbData.size), and most readers plus writers one may list. */
export const ZDB_MIN_SIZE = 2 ** 20
export const ZDB_MAX_PEERS = 64
/** Entries one SCAN returns at most. */
export const ZDB_MAX_SCAN_LIMIT = 1000

export const ZdbErrorCodes = {
  /** The namespace would grow past its size. */
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  /** A stored record failed its checksum: the value is lost on this farmer (repair it from elsewhere). */
  CORRUPT: 'CORRUPT',
  /** The caller is neither the twin nor a listed reader (any op) or writer (SET, DELETE). */
  FORBIDDEN: 'FORBIDDEN'
} as const

/**
 * A request carries at most one value, a response at most one value or a scan page. With
 * 16 streams in and 200 requests/s, one peer moves at most 800 MiB/s through a namespace.
 */
export const ZDB_LIMITS: ProtocolLimits = {
  maxRequestBytes: ZDB_MAX_VALUE_BYTES + 1024,
  // a value, or a page of 1000 entries of a 256-byte key and a size
  maxResponseBytes: Math.max(ZDB_MAX_VALUE_BYTES + 2048, ZDB_MAX_SCAN_LIMIT * (ZDB_MAX_KEY_BYTES + 16) + 2048),
  maxInboundStreams: 16,
  maxOutboundStreams: 16,
  ratePerSecond: 200,
  burst: 400,
  timeoutMs: 10_000
}
