import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { networkRelayMessages, vectorKit } from '@p2pcloud/wire'
import { readVectors } from '@p2pcloud/test-utils'

describe('protocol vectors of the network relay', () => {
  it('every handshake message decodes to its fields and encodes to the same bytes; datagram frames are length and bytes', () => {
    const file = readVectors('network-relay/messages.json')
    assert.equal(file.protocol, '/p2pcloud/network-relay/1.0.0')
    for (const vector of file.vectors) {
      if (vector.message === 'datagram') {
        assert.equal(vectorKit.hex(vectorKit.frame(vectorKit.unhex(vector.fields.datagram))), vector.frame, vector.name)
        assert.equal(vector.frame.slice(0, 4), '9401', 'a 148-byte datagram has a two-byte uvarint length')
        continue
      }
      const codec = (networkRelayMessages as any)[vector.message]
      const decoded = codec.decode(vectorKit.unhex(vector.encoded))
      assert.equal(vectorKit.hex(codec.encode(decoded)), vector.encoded, vector.name)
      assert.equal(vectorKit.hex(vectorKit.frame(vectorKit.unhex(vector.encoded))), vector.frame, vector.name)
      if (vector.message === 'RelayOpen') {
        assert.deepEqual([vectorKit.hex(decoded.networkId), vectorKit.hex(decoded.publicKey)], [vector.fields.network_id, vector.fields.public_key], vector.name)
      } else {
        assert.equal(decoded.error?.code, vector.fields.error?.code, vector.name)
        assert.equal(decoded.error?.message, vector.fields.error?.message, vector.name)
      }
    }
  })
})
