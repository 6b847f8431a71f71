import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { GATEWAY_FQDN_TYPE, GATEWAY_NAME_TYPE, decodeGatewayData, deploymentMessages, gatewayTunnelMessages, networkRelayMessages, peerIdToBytes, vectorKit } from '@p2pcloud/wire'
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

describe('protocol vectors of the network workload', () => {
  it('NetworkData, NetworkResult and a container in a network decode to their fields and encode to the same bytes', () => {
    const file = readVectors('deployment/network-data.json')
    assert.equal(file.protocol, '/p2pcloud/deployment/1.1.0')
    for (const vector of file.vectors) {
      const codec = (deploymentMessages as any)[vector.message]
      const decoded = codec.decode(vectorKit.unhex(vector.encoded))
      assert.equal(vectorKit.hex(codec.encode(decoded)), vector.encoded, vector.name)
      if (vector.message === 'NetworkData') {
        assert.deepEqual([vectorKit.hex(decoded.networkId), decoded.range, decoded.subnet], [vector.fields.network_id, vector.fields.range, vector.fields.subnet], vector.name)
        assert.deepEqual(decoded.members.map((m: any) => ({ peer_id: vectorKit.hex(m.peerId), public_key: vectorKit.hex(m.publicKey), subnet: m.subnet, ...(m.endpoints.length > 0 ? { endpoints: m.endpoints } : {}) })), vector.fields.members ?? [], vector.name)
      } else if (vector.message === 'NetworkResult') {
        assert.equal(vectorKit.hex(decoded.publicKey), vector.fields.public_key)
        assert.deepEqual(decoded.endpoints, vector.fields.endpoints)
        assert.deepEqual(decoded.paths.map((p: any) => ({ peer_id: vectorKit.hex(p.peerId), path: p.path, endpoint: p.endpoint, latest_handshake_ms: String(p.latestHandshakeMs) })), vector.fields.paths)
      } else {
        assert.deepEqual([decoded.network, decoded.ip], [vector.fields.network, vector.fields.ip], vector.name)
      }
    }
  })
})

describe('protocol vectors of the gateway tunnel and the gateway workloads', () => {
  it('every message decodes to its fields and encodes to the same bytes; gateway data is accepted or refused as the vector expects', () => {
    const file = readVectors('gateway-tunnel/messages.json')
    assert.equal(file.protocol, '/p2pcloud/gateway-tunnel/1.0.0')
    const codecs: Record<string, any> = { ...gatewayTunnelMessages, GatewayNameData: deploymentMessages.GatewayNameData, GatewayFqdnData: deploymentMessages.GatewayFqdnData, GatewayResult: deploymentMessages.GatewayResult }
    for (const vector of file.vectors) {
      const codec = codecs[vector.message]
      const bytes = vectorKit.unhex(vector.encoded)
      const decoded = codec.decode(bytes)
      assert.equal(vectorKit.hex(codec.encode(decoded)), vector.encoded, vector.name)
      assert.equal(vectorKit.hex(vectorKit.frame(bytes)), vector.frame, vector.name)
      if (vector.message === 'TunnelOpen') {
        assert.deepEqual([vectorKit.hex(decoded.deploymentEnvelope), vectorKit.hex(decoded.proposalEnvelope), decoded.workload],
          [vector.fields.deployment_envelope, vector.fields.proposal_envelope, vector.fields.workload], vector.name)
      } else if (vector.message === 'TunnelAccept') {
        assert.deepEqual([decoded.error?.code, decoded.error?.message, decoded.error?.retryAfterMs.toString()],
          [vector.fields.error?.code, vector.fields.error?.message, vector.fields.error === undefined ? undefined : vector.fields.error.retry_after_ms ?? '0'], vector.name)
      } else if (vector.message === 'GatewayResult') {
        assert.deepEqual({ url: decoded.url, backend: decoded.backend, checked_at_ms: String(decoded.checkedAtMs), detail: decoded.detail },
          { detail: '', ...vector.fields }, vector.name)
      } else {
        const type = vector.message === 'GatewayNameData' ? GATEWAY_NAME_TYPE : GATEWAY_FQDN_TYPE
        const workload = { name: 'www', type, data: bytes }
        if (vector.expect === 'ACCEPT') {
          const data = decodeGatewayData(workload)
          assert.deepEqual({ host: data.host, backend: { contract_id: data.backend.contractId, workload: data.backend.workload, port: data.backend.port, farmer: vectorKit.hex(peerIdToBytes(data.backend.farmer)), valid_until_ms: String(data.backend.validUntil), ...data.backend.overlay }, tls: data.tls.toUpperCase() },
            { host: vector.fields.name ?? vector.fields.fqdn, backend: vector.fields.backend, tls: vector.fields.tls }, vector.name)
        } else {
          assert.throws(() => decodeGatewayData(workload), (err: any) => err.code === vector.expect, vector.name)
        }
      }
    }
  })
})
