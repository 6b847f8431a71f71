import { sha256 } from '@noble/hashes/sha2.js'
import type { PrivateKey } from '@libp2p/interface'
import { resourcesFromWire, resourcesToWire, type Resources } from '@p2pcloud/capacity'
import {
  ACCEPTANCE_RECORD, PROPOSAL_RECORD, QUOTE_RECORD, ProtocolError, contractIdFromBytes, contractIdToBytes, contractMessages,
  openRecord, peerIdFromBytes, peerIdToBytes, sealRecord, type OpenRecordOptions, type RecordKind
} from '@p2pcloud/wire'

/** A farmer's price for some capacity over a lease, good until `validUntil`. */
export interface Quote {
  farmer: string
  twin: string
  resources: Resources
  currency: string
  pricePerHourMicro: number
  leaseMs: number
  validUntil: number
  nonce: Uint8Array
}

export interface Proposal {
  quote: Quote
  quoteEnvelope: Uint8Array
  twin: string
  createdAt: number
}

export interface Acceptance {
  contractId: string
  leaseStart: number
  leaseEnd: number
  acceptedAt: number
  version: number
}

/** A record failed a check; `code` is the wire error code the farmer answers with. */
export class ContractRecordError extends ProtocolError {
  override name = 'ContractRecordError'
}


/** The contract id: hex sha2-256 of the twin-signed proposal envelope, so a retry never books twice. */
export function contractIdOf (proposalEnvelope: Uint8Array): string {
  return contractIdFromBytes(sha256(proposalEnvelope))
}

/**
 * Signatures are always checked for what a peer receives; a farmer reading back a record it
 * verified before it stored it, of a contract that is over, may skip them (contract.md §4.6).
 */
export type OpenOptions = OpenRecordOptions

/** Open a contract-protocol record: envelope checks mapped to this protocol's codes, then `decode`. */
export async function openContractRecord<T> (kind: RecordKind, envelope: Uint8Array, decode: (bytes: Uint8Array) => T, options: OpenOptions = {}): Promise<{ signer: string, value: T }> {
  let opened
  try {
    opened = await openRecord(kind, envelope, options)
  } catch (err: any) {
    const code = err.problem === 'TOO_LARGE' ? 'TOO_LARGE' : err.problem === 'BAD_SIGNATURE' || err.problem === 'KEY_TYPE' ? 'INVALID_SIGNATURE' : 'BAD_REQUEST'
    throw new ContractRecordError(code, `${kind.payloadType}: ${err.message}`)
  }
  try {
    return { signer: opened.signer.toString(), value: decode(opened.payload) }
  } catch (err: any) {
    throw new ContractRecordError('BAD_REQUEST', `${kind.payloadType} does not decode: ${err.message}`)
  }
}

export async function signQuote (quote: Quote, farmerKey: PrivateKey): Promise<Uint8Array> {
  return sealRecord(QUOTE_RECORD, contractMessages.Quote.encode({
    farmer: peerIdToBytes(quote.farmer),
    twin: peerIdToBytes(quote.twin),
    resources: resourcesToWire(quote.resources),
    currency: quote.currency,
    pricePerHourMicro: quote.pricePerHourMicro,
    leaseMs: quote.leaseMs,
    validUntilMs: quote.validUntil,
    nonce: quote.nonce as Uint8Array<ArrayBuffer>
  }), farmerKey)
}

export async function openQuote (envelope: Uint8Array, options: OpenOptions = {}): Promise<Quote> {
  const { signer, value: quote } = await openContractRecord(QUOTE_RECORD, envelope, (bytes): Quote => {
    const value = contractMessages.Quote.decode(bytes)
    return {
      farmer: peerIdFromBytes(value.farmer),
      twin: peerIdFromBytes(value.twin),
      resources: resourcesFromWire(value.resources),
      currency: value.currency,
      pricePerHourMicro: value.pricePerHourMicro,
      leaseMs: value.leaseMs,
      validUntil: value.validUntilMs,
      nonce: value.nonce
    }
  }, options)
  if (quote.farmer !== signer) throw new ContractRecordError('INVALID_SIGNATURE', `quote for farmer ${quote.farmer} is signed by ${signer}`)
  return quote
}

export async function signProposal (quoteEnvelope: Uint8Array, twin: string, createdAt: number, twinKey: PrivateKey): Promise<Uint8Array> {
  return sealRecord(PROPOSAL_RECORD, contractMessages.Proposal.encode({
    quoteEnvelope: quoteEnvelope as Uint8Array<ArrayBuffer>,
    twin: peerIdToBytes(twin),
    createdAtMs: createdAt
  }), twinKey)
}

/** Verify a proposal and the quote inside it: the twin signed it, the farmer signed the quote for that twin. */
export async function openProposal (envelope: Uint8Array, options: OpenOptions = {}): Promise<Proposal> {
  const { signer, value } = await openContractRecord(PROPOSAL_RECORD, envelope, bytes => {
    const decoded = contractMessages.Proposal.decode(bytes)
    return { ...decoded, twinId: peerIdFromBytes(decoded.twin) }
  }, options)
  const twin = value.twinId
  if (twin !== signer) throw new ContractRecordError('INVALID_SIGNATURE', `proposal for twin ${twin} is signed by ${signer}`)
  const quote = await openQuote(value.quoteEnvelope, options)
  if (quote.twin !== twin) throw new ContractRecordError('UNAUTHORIZED', `the quote was made for ${quote.twin}, not for ${twin}`)
  return { quote, quoteEnvelope: value.quoteEnvelope, twin, createdAt: value.createdAtMs }
}

export async function signAcceptance (acceptance: Acceptance, farmerKey: PrivateKey): Promise<Uint8Array> {
  return sealRecord(ACCEPTANCE_RECORD, contractMessages.Acceptance.encode({
    contractId: contractIdToBytes(acceptance.contractId),
    leaseStartMs: acceptance.leaseStart,
    leaseEndMs: acceptance.leaseEnd,
    acceptedAtMs: acceptance.acceptedAt,
    version: acceptance.version
  }), farmerKey)
}

/** Verify an acceptance signed by `farmer`. */
export async function openAcceptance (envelope: Uint8Array, farmer: string, options: OpenOptions = {}): Promise<Acceptance> {
  const { signer, value } = await openContractRecord(ACCEPTANCE_RECORD, envelope, bytes => contractMessages.Acceptance.decode(bytes), options)
  if (signer !== farmer) throw new ContractRecordError('INVALID_SIGNATURE', `acceptance signed by ${signer}, not by the farmer ${farmer}`)
  return {
    contractId: contractIdFromBytes(value.contractId),
    leaseStart: value.leaseStartMs,
    leaseEnd: value.leaseEndMs,
    acceptedAt: value.acceptedAtMs,
    version: value.version
  }
}
