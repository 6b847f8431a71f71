import { describe, it } from 'node:test'
import { bytesLike, fuzzDecoder, readVectors, vectorSeeds } from '@p2pcloud/test-utils'
import { workloadKinds } from '../src/index.js'

/** The vector files whose messages are some kind's wire data. */
const DATA_VECTORS = ['deployment/records.json', 'deployment/zdb-data.json', 'deployment/container-data.json', 'deployment/network-data.json']

/**
 * Every kind's `decode` reads a workload's data from a twin's deployment: for data like any
 * kind's vectors (another kind's data too), a ProtocolError BAD_REQUEST naming the workload,
 * or the data, and nothing else.
 */
describe('workload data, fuzzed', () => {
  const data = DATA_VECTORS.flatMap(path => vectorSeeds(readVectors(path)).payloads)
  for (const kind of workloadKinds.all) {
    it(`${kind.type}: decode of data like the vectors'`, async () => {
      await fuzzDecoder(`${kind.type} decode`, bytesLike(data), bytes => kind.decode({ name: 'w', type: kind.type, version: 1, data: bytes }), ['ProtocolError'])
    })
  }
})
