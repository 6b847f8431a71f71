import type { RecordKind } from './envelope.js'
import type { ProtocolLimits } from './rpc.js'

/** Names, records and limits of the contract protocol (protocols/contract.md). */
export const CONTRACT_PROTOCOL = '/p2pcloud/contract/1.0.0'

const DOMAIN = 'p2pcloud-contract'

export const QUOTE_RECORD: RecordKind = { domain: DOMAIN, payloadType: '/p2pcloud/contract/quote', maxBytes: 2048 }
export const PROPOSAL_RECORD: RecordKind = { domain: DOMAIN, payloadType: '/p2pcloud/contract/proposal', maxBytes: 4096 }
export const ACCEPTANCE_RECORD: RecordKind = { domain: DOMAIN, payloadType: '/p2pcloud/contract/acceptance', maxBytes: 1024 }
export const RECEIPT_RECORD: RecordKind = { domain: DOMAIN, payloadType: '/p2pcloud/contract/receipt', maxBytes: 1024 }

/** A receipts answer holds at most this many receipts (the oldest after `after_seq` first). */
export const MAX_LISTED_RECEIPTS = 1000

/** Codes of this protocol, beside the common ones (protocols/README.md §6.1). */
export const ContractErrorCodes = {
  INSUFFICIENT_CAPACITY: 'INSUFFICIENT_CAPACITY',
  QUOTE_EXPIRED: 'QUOTE_EXPIRED',
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  CONTRACT_ENDED: 'CONTRACT_ENDED',
  /** The twin, or all twins together, already hold as many open (active or expired) contracts on this farmer as it allows. */
  TOO_MANY_CONTRACTS: 'TOO_MANY_CONTRACTS'
} as const

/** How many open contracts one twin may hold on one farmer unless the farmer says otherwise. */
export const DEFAULT_MAX_OPEN_CONTRACTS_PER_TWIN = 64

/** How many open contracts of all twins together one farmer holds unless it says otherwise: Sybil twins meet it. */
export const DEFAULT_MAX_OPEN_CONTRACTS = 10_000

/** A list answer holds at most this many contracts (the newest first). */
export const MAX_LISTED_CONTRACTS = 500

/** Shortest and longest lease a farmer books. */
export const MIN_LEASE_MS = 60_000
export const MAX_LEASE_MS = 366 * 24 * 60 * 60 * 1000

/** How long a quote stays good: long enough to sign and send a proposal, short enough that prices stay fresh. */
export const QUOTE_VALIDITY_MS = 60_000

export const CONTRACT_LIMITS: ProtocolLimits = {
  maxRequestBytes: PROPOSAL_RECORD.maxBytes + 256,
  maxResponseBytes: MAX_LISTED_CONTRACTS * (PROPOSAL_RECORD.maxBytes + ACCEPTANCE_RECORD.maxBytes + 64),
  maxInboundStreams: 32,
  maxOutboundStreams: 64,
  ratePerSecond: 50,
  burst: 100,
  timeoutMs: 10_000
}
