import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { deploymentMessages } from '@p2pcloud/wire'
import { decodeNetworkResult, encodeNetworkResult, formatIpv4, generateWireguardKeys, networkKind, type NetworkWorkloadSpec } from '../src/index.js'

const peer = async (): Promise<string> => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const asWorkload = (data: Uint8Array): { name: string, type: string, version: number, data: Uint8Array } => ({ name: 'backend', type: 'network', version: 1, data })

describe('the network kind', () => {
  it('carries a network as the twin wrote it and books nothing', async () => {
    const spec: NetworkWorkloadSpec = {
      name: 'backend',
      type: 'network',
      networkId: '5a1f0c3e9b7d4a2680e4c6b1d3f5a7c9',
      range: '10.20.0.0/16',
      subnet: 3,
      members: [{ peerId: await peer(), publicKey: generateWireguardKeys().publicKey, subnet: 1, endpoints: ['198.18.0.10:51820'] }]
    }
    const decoded = networkKind.decode(asWorkload(networkKind.encode(spec)))
    assert.equal(Buffer.from(decoded.networkId).toString('hex'), spec.networkId)
    assert.equal(decoded.range.toString(), '10.20.0.0/16')
    assert.equal(formatIpv4(decoded.subnet.gateway), '10.20.3.1')
    assert.deepEqual(decoded.members.map(m => ({ peerId: m.peerId, publicKey: m.publicKey, subnet: m.subnet.index, endpoints: m.endpoints })), spec.members)
    assert.deepEqual(networkKind.resources(decoded), { cru: 0, mru: 0, sru: 0, hru: 0, ipv4u: 0 })
  })

  it('refuses hostile network data, naming the field', async () => {
    const member = { peerId: (await generateKeyPair('Ed25519')).publicKey.toMultihash().bytes, publicKey: new Uint8Array(32), subnet: 1, endpoints: [] as string[] }
    const base: deploymentMessages.NetworkData = { networkId: new Uint8Array(16), range: '10.20.0.0/16', subnet: 3, members: [member] }
    const refused = (data: Partial<deploymentMessages.NetworkData>, message: RegExp): void => {
      assert.throws(() => networkKind.decode(asWorkload(deploymentMessages.NetworkData.encode({ ...base, ...data }))), (err: any) => err.code === 'BAD_REQUEST' && message.test(err.message))
    }
    refused({ networkId: new Uint8Array(3) }, /network "backend": network_id must be 16 bytes, not 3/)
    refused({ range: '8.8.0.0/16' }, /range: .* is not a private range/)
    refused({ range: '10.20.0.0/8' }, /range: .* is not a \/16/)
    refused({ subnet: 0 }, /subnet 0 is outside 1–254/)
    refused({ subnet: 255 }, /subnet 255 is outside 1–254/)
    refused({ members: [{ ...member, subnet: 3 }] }, /members\[0\]\.subnet 3 is taken/)
    refused({ members: [member, { ...member, subnet: 2 }] }, /is listed twice/)
    refused({ members: [{ ...member, peerId: new Uint8Array([1, 2, 3]) }] }, /members\[0\]\.peer_id is not a peer id/)
    refused({ members: [{ ...member, publicKey: new Uint8Array(31) }] }, /public_key must be 32 bytes, not 31/)
    refused({ members: [{ ...member, endpoints: ['198.18.0.1:51820\nPostUp = sh'] }] }, /is not a\.b\.c\.d:port/)
    refused({ members: [{ ...member, endpoints: ['300.1.1.1:5'] }] }, /is not a\.b\.c\.d:port/)
    refused({ members: Array.from({ length: 254 }, (_, i) => ({ ...member, subnet: i + 1 })) }, /lists 254 members; at most 253/)
    assert.throws(() => networkKind.decode(asWorkload(new Uint8Array([0xff, 0xff]))), /network "backend": data does not decode/)
  })

  it('reports a farmer\'s key, endpoints and paths, and reads them back', async () => {
    const [a, b] = [await peer(), await peer()]
    const result = { publicKey: generateWireguardKeys().publicKey, endpoints: ['198.18.0.12:51823'], paths: [{ peerId: a, path: 'direct' as const, endpoint: '198.18.0.10:51820', latestHandshake: 1767225660000 }, { peerId: b, path: 'connecting' as const }] }
    assert.deepEqual(decodeNetworkResult(encodeNetworkResult(result)), result)
    assert.throws(() => decodeNetworkResult(deploymentMessages.NetworkResult.encode({ publicKey: new Uint8Array(3), endpoints: [], paths: [] })), /3 bytes, not 32/)
  })
})
