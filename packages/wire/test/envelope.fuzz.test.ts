import { describe, it } from 'node:test'
import { ADVERT_RECORD, DEPLOYMENT_RECORD, PROPOSAL_RECORD, openRecord } from '@p2pcloud/wire'
import { bytesLike, fuzzDecoder, readVectors, vectorSeeds } from '@p2pcloud/test-utils'

/**
 * A signed envelope is the first thing any peer's bytes meet: whatever arrives, openRecord
 * refuses it with a SignedRecordError (the problem named) or opens it, and throws nothing else.
 */
describe('signed envelopes, fuzzed', () => {
  const envelopes = [
    ...vectorSeeds(readVectors('capacity/advert.json')).envelopes,
    ...vectorSeeds(readVectors('contract/records.json')).envelopes,
    ...vectorSeeds(readVectors('deployment/records.json')).envelopes
  ].map(e => e.bytes)
  for (const kind of [ADVERT_RECORD, PROPOSAL_RECORD, DEPLOYMENT_RECORD]) {
    it(`openRecord of ${kind.payloadType}: envelopes like the vectors' (truncated, flipped, spliced, random)`, async () => {
      await fuzzDecoder(`openRecord ${kind.payloadType}`, bytesLike(envelopes), async bytes => openRecord(kind, bytes), ['SignedRecordError'])
    })
  }
})
