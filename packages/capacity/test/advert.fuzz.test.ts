import { describe, it } from 'node:test'
import { ADVERT_RECORD, sealRecord, vectorKit } from '@p2pcloud/wire'
import { bytesLike, fuzzDecoder, readVectors, tooLargeToSend, vectorSeeds } from '@p2pcloud/test-utils'
import { verifyAdvert } from '../src/index.js'

/**
 * Adverts come by gossip from any peer. Mutated envelopes test the envelope checks; mutated
 * payloads signed with the farmer's real key get past the signature to the decoding and the
 * content rules. Either way: an InvalidAdvertError, or a valid advert, and nothing else.
 */
describe('adverts, fuzzed', () => {
  const file = readVectors('capacity/advert.json')
  const seeds = vectorSeeds(file, 'Advert')
  const now = Number(file.vectors[0].now_ms)
  it('verifyAdvert of envelopes like the vectors\'', async () => {
    await fuzzDecoder('verifyAdvert (envelope bytes)', bytesLike(seeds.envelopes.map(e => e.bytes)), async bytes => verifyAdvert(bytes, now), ['InvalidAdvertError'])
  })
  it('verifyAdvert of payloads like the vectors\', signed by the farmer', async () => {
    const { farmer } = await vectorKit.loadKeys(file.keys)
    await fuzzDecoder('verifyAdvert (signed payloads)', bytesLike(seeds.payloads), async payload => {
      const envelope = await sealRecord(ADVERT_RECORD, payload, farmer.privateKey).catch(tooLargeToSend)
      if (envelope != null) await verifyAdvert(envelope, now)
    }, ['InvalidAdvertError'])
  })
})
