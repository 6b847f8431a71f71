import type { PeerId, PrivateKey } from '@libp2p/interface'
import { resourcesToWire, type Resources } from '@p2pcloud/capacity'
import { ErrorCodes, ProtocolError, contractIdToBytes, contractMessages, request, type StreamOpener } from '@p2pcloud/wire'
import { contractCodecs } from './contract-protocol.js'
import { openReceipt, type UsageReceipt } from './receipts.js'
import { contractIdOf, openAcceptance, openProposal, openQuote, signProposal, type Acceptance, type Proposal, type Quote } from './records.js'

/** A contract as the twin holds it: verified records from the farmer, and its state. */
export interface TwinContract {
  id: string
  farmer: string
  state: 'active' | 'expired' | 'cancelled' | 'ended' | 'unknown'
  proposal: Proposal
  acceptance: Acceptance
  proposalEnvelope: Uint8Array
  acceptanceEnvelope: Uint8Array
}

const STATES: Partial<Record<contractMessages.ContractState, TwinContract['state']>> = {
  [contractMessages.ContractState.ACTIVE]: 'active',
  [contractMessages.ContractState.EXPIRED]: 'expired',
  [contractMessages.ContractState.CANCELLED]: 'cancelled',
  [contractMessages.ContractState.ENDED]: 'ended'
}

function stateOf (state: contractMessages.ContractState): TwinContract['state'] {
  return STATES[state] ?? 'unknown'
}

/**
 * The twin's side of `/p2pcloud/contract/1.0.0`. Everything the farmer
 * answers is verified: its signatures, that it is about this twin and this
 * contract. A refusal arrives as a RemoteError with the farmer's code and words.
 */
export class ContractClient {
  /** `onAnswered` hears of every farmer that answered with a contract it signed (the capacity directory ranks those first). */
  constructor (private readonly node: StreamOpener, private readonly twinId: PeerId, private readonly twinKey: PrivateKey,
    private readonly onAnswered: (farmer: PeerId) => Promise<void> = async () => {}) {}

  private async call (farmer: PeerId, message: Partial<contractMessages.Request>, signal?: AbortSignal): Promise<contractMessages.Response> {
    return request<contractMessages.Request, contractMessages.Response>(this.node, farmer, contractCodecs, { proposalEnvelope: new Uint8Array(), ...message }, { signal })
  }

  /** Ask `farmer` to price `resources` for `leaseMs`. */
  async quote (farmer: PeerId, resources: Resources, leaseMs: number, signal?: AbortSignal): Promise<{ quote: Quote, envelope: Uint8Array }> {
    const response = await this.call(farmer, { quote: { resources: resourcesToWire(resources), leaseMs } }, signal)
    const quote = await openQuote(response.quoteEnvelope)
    if (quote.farmer !== farmer.toString() || quote.twin !== this.twinId.toString()) {
      throw new ProtocolError(ErrorCodes.UNAUTHORIZED, `${farmer.toString()} answered with a quote for ${quote.farmer} → ${quote.twin}`)
    }
    return { quote, envelope: response.quoteEnvelope }
  }

  /** Sign a proposal on `quoteEnvelope` and send it; resolves with the countersigned contract. Safe to retry with the same proposal. */
  async propose (farmer: PeerId, quoteEnvelope: Uint8Array, signal?: AbortSignal): Promise<TwinContract> {
    const proposalEnvelope = await signProposal(quoteEnvelope, this.twinId.toString(), Date.now(), this.twinKey)
    return this.sendProposal(farmer, proposalEnvelope, signal)
  }

  async sendProposal (farmer: PeerId, proposalEnvelope: Uint8Array, signal?: AbortSignal): Promise<TwinContract> {
    const response = await this.call(farmer, { proposalEnvelope: proposalEnvelope as Uint8Array<ArrayBuffer> }, signal)
    // a quote books once: an earlier proposal on the same quote may be the contract we get back
    const { quoteEnvelope } = await openProposal(proposalEnvelope)
    return this.verified(farmer, response.contract, contractIdOf(proposalEnvelope), quoteEnvelope)
  }

  async renew (farmer: PeerId, contractId: string, leaseMs: number, signal?: AbortSignal): Promise<TwinContract> {
    const response = await this.call(farmer, { renew: { contractId: contractIdToBytes(contractId), leaseMs } }, signal)
    return this.verified(farmer, response.contract, contractId)
  }

  async cancel (farmer: PeerId, contractId: string, signal?: AbortSignal): Promise<TwinContract> {
    const response = await this.call(farmer, { cancel: { contractId: contractIdToBytes(contractId) } }, signal)
    return this.verified(farmer, response.contract, contractId)
  }

  async get (farmer: PeerId, contractId: string, signal?: AbortSignal): Promise<TwinContract> {
    const response = await this.call(farmer, { get: { contractId: contractIdToBytes(contractId) } }, signal)
    return this.verified(farmer, response.contract, contractId)
  }

  /** The farmer's signed usage receipts of a contract with a seq above `afterSeq`, verified, oldest first. */
  async receipts (farmer: PeerId, contractId: string, afterSeq = 0, signal?: AbortSignal): Promise<Array<{ receipt: UsageReceipt, envelope: Uint8Array }>> {
    const response = await this.call(farmer, { receipts: { contractId: contractIdToBytes(contractId), afterSeq } }, signal)
    return Promise.all(response.receiptEnvelopes.map(async envelope => {
      const receipt = await openReceipt(envelope, farmer.toString())
      if (receipt.contractId !== contractId) throw new ProtocolError(ErrorCodes.UNAUTHORIZED, `${farmer.toString()} answered with a receipt of another contract`)
      return { receipt, envelope }
    }))
  }

  /** This twin's contracts with `farmer`, newest first. */
  async list (farmer: PeerId, signal?: AbortSignal): Promise<TwinContract[]> {
    const response = await this.call(farmer, { list: {} }, signal)
    return Promise.all(response.contracts.map(async contract => this.verified(farmer, contract, contractIdOf(contract.proposalEnvelope))))
  }

  private async verified (farmer: PeerId, contract: contractMessages.Contract | undefined, expectedId: string, sameQuote?: Uint8Array): Promise<TwinContract> {
    if (contract == null) throw new ProtocolError(ErrorCodes.INTERNAL, `${farmer.toString()} answered without a contract`)
    const id = contractIdOf(contract.proposalEnvelope)
    const proposal = await openProposal(contract.proposalEnvelope)
    const acceptance = await openAcceptance(contract.acceptanceEnvelope, farmer.toString())
    const asked = id === expectedId || (sameQuote != null && Buffer.compare(proposal.quoteEnvelope, sameQuote) === 0)
    if (!asked || acceptance.contractId !== id || proposal.twin !== this.twinId.toString()) {
      throw new ProtocolError(ErrorCodes.UNAUTHORIZED, `${farmer.toString()} answered with a contract that is not the one asked for`)
    }
    await this.onAnswered(farmer)
    return {
      id,
      farmer: farmer.toString(),
      state: stateOf(contract.state),
      proposal,
      acceptance,
      proposalEnvelope: contract.proposalEnvelope,
      acceptanceEnvelope: contract.acceptanceEnvelope
    }
  }
}
