import type { RecordKind } from './envelope.js'
import type { ProtocolLimits } from './rpc.js'

/** Names and limits of the capacity protocol (protocols/capacity.md). */
export const CAPACITY_PROTOCOL = '/p2pcloud/capacity/1.0.0'
export const CAPACITY_TOPIC = '/p2pcloud/capacity/1.0.0'

/** An advert, signed by its farmer. 8 KiB is far above a real advert (~400 bytes) and far below gossipsub's 1 MiB. */
export const ADVERT_RECORD: RecordKind = {
  domain: 'p2pcloud-capacity',
  payloadType: '/p2pcloud/capacity/advert',
  maxBytes: 8 * 1024
}

/** DHT key namespace of adverts: `/p2pcloud-adv/<peer id, base58btc>`. */
export const ADVERT_DHT_NAMESPACE = 'p2pcloud-adv'

/** Longest an advert may live: a farmer must speak up at least this often to stay listed. */
export const ADVERT_MAX_LIFETIME_MS = 60 * 60 * 1000

/** How far another peer's clock may be from ours (protocols/README.md §5.2). */
export const CLOCK_SKEW_MS = 5 * 60 * 1000

/** Most entries of the repeated fields of an advert; more is not a valid advert. */
export const ADVERT_MAX_CAPABILITIES = 16
export const ADVERT_MAX_ADDRESSES = 16

export const CAPACITY_LIMITS: ProtocolLimits = {
  maxRequestBytes: 64,
  maxResponseBytes: ADVERT_RECORD.maxBytes + 2048,
  maxInboundStreams: 4,
  maxOutboundStreams: 16,
  ratePerSecond: 5,
  burst: 10,
  timeoutMs: 10_000
}
