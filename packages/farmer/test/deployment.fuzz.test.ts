import { describe, it } from 'node:test'
import { DEPLOYMENT_RECORD, sealRecord, vectorKit } from '@p2pcloud/wire'
import { bytesLike, fuzzDecoder, readVectors, tooLargeToSend, vectorSeeds } from '@p2pcloud/test-utils'
import { openDeployment } from '../src/index.js'

/**
 * What a farmer opens from any twin: deployments like the vectors', signed by the twin's real
 * key so that the fuzzed payload reaches the decoding and the name, count and version rules,
 * and mutated envelopes. Refusals are ProtocolErrors carrying their wire code.
 */
describe('deployments, fuzzed', () => {
  const file = readVectors('deployment/records.json')
  const seeds = vectorSeeds(file, 'Deployment')
  it('openDeployment of signed payloads like the vectors\'', async () => {
    const { twin } = await vectorKit.loadKeys(file.keys)
    await fuzzDecoder('openDeployment (signed payloads)', bytesLike(seeds.payloads), async payload => {
      const envelope = await sealRecord(DEPLOYMENT_RECORD, payload, twin.privateKey).catch(tooLargeToSend)
      if (envelope != null) await openDeployment(envelope)
    }, ['ProtocolError'])
  })
  it('openDeployment of envelopes like the vectors\'', async () => {
    await fuzzDecoder('openDeployment (envelope bytes)', bytesLike(seeds.envelopes.map(e => e.bytes)), async envelope => openDeployment(envelope), ['ProtocolError'])
  })
})
