import { describe, it } from 'node:test'
import { ACCEPTANCE_RECORD, PROPOSAL_RECORD, QUOTE_RECORD, RECEIPT_RECORD, sealRecord, vectorKit, type RecordKind } from '@p2pcloud/wire'
import { bytesLike, fuzzDecoder, readVectors, tooLargeToSend, vectorSeeds } from '@p2pcloud/test-utils'
import { openAcceptance, openProposal, openQuote, openReceipt } from '../src/index.js'

/**
 * Every contract record a farmer or a twin opens, from payloads like the vectors' signed by the
 * vectors' real keys (so that the fuzzed bytes reach the decoding and the checks after the
 * signature) and from mutated envelopes: a ContractRecordError (its wire code) or the record.
 */
describe('contract records, fuzzed', () => {
  const file = readVectors('contract/records.json')
  const records: Array<{ message: string, kind: RecordKind, signer: 'farmer' | 'twin', open: (envelope: Uint8Array, farmer: string) => Promise<unknown> }> = [
    { message: 'Quote', kind: QUOTE_RECORD, signer: 'farmer', open: async envelope => openQuote(envelope) },
    { message: 'Proposal', kind: PROPOSAL_RECORD, signer: 'twin', open: async envelope => openProposal(envelope) },
    { message: 'Acceptance', kind: ACCEPTANCE_RECORD, signer: 'farmer', open: async (envelope, farmer) => openAcceptance(envelope, farmer) },
    { message: 'UsageReceipt', kind: RECEIPT_RECORD, signer: 'farmer', open: async (envelope, farmer) => openReceipt(envelope, farmer) }
  ]
  for (const record of records) {
    it(`${record.message}: signed payloads and envelopes like the vectors'`, async () => {
      const keys = await vectorKit.loadKeys(file.keys)
      const farmer = keys.farmer.peerId.toString()
      const seeds = vectorSeeds(file, record.message)
      await fuzzDecoder(`open ${record.message} (signed payloads)`, bytesLike(seeds.payloads), async payload => {
        const envelope = await sealRecord(record.kind, payload, keys[record.signer].privateKey).catch(tooLargeToSend)
        if (envelope != null) await record.open(envelope, farmer)
      }, ['ContractRecordError'])
      await fuzzDecoder(`open ${record.message} (envelope bytes)`, bytesLike(seeds.envelopes.map(e => e.bytes)), async envelope => record.open(envelope, farmer), ['ContractRecordError'])
    })
  }
})
