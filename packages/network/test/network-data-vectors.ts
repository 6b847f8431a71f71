import { deploymentMessages, peerIdToBytes, vectorKit } from '@p2pcloud/wire'
import type { VectorFiles } from '@p2pcloud/test-utils'

/**
 * The generator of the network workload's vectors (protocols/vectors/deployment/network-data.json):
 * NetworkData, NetworkResult and a container attached to a network, which vectors.test.ts checks.
 * Deterministic: fixed fields, peer ids of the vector keys. Run by `npm run vectors`.
 */

type Json = vectorKit.Json
const { hex, unhex } = vectorKit

const NETWORK_ID = '5a1f0c3e9b7d4a2680e4c6b1d3f5a7c9'
const KEY_A = '3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29'
const KEY_B = 'e1d3b5a7c9e0f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a1'
const KEY_SELF = '7c0f9e8d7c6b5a49382716f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1'
// an flist is named by its manifest's CID (deployment.md §5.1): CIDv1, codec 0x50 (protobuf),
// sha2-256; this is "manifest-small-tree" of protocols/vectors/flist/manifest.json
const FLIST = '015012204597fbfef806efb4d4296f95fb6c1b15008b05d2374551f286f85bc4c27eec46'

export async function generateVectors (): Promise<VectorFiles> {
  const farmerA = await vectorKit.ed25519Key(vectorKit.seedFrom(0x00))
  const farmerB = await vectorKit.ed25519Key(vectorKit.seedFrom(0x40))
  const peerBytes = (key: vectorKit.VectorKey): Uint8Array<ArrayBuffer> => peerIdToBytes(key.id)
  const networks: Array<{ name: string, fields: Json, value: deploymentMessages.NetworkData }> = [
    {
      name: 'network-two-members',
      fields: {
        network_id: NETWORK_ID,
        range: '10.20.0.0/16',
        subnet: 3,
        members: [
          { peer_id: hex(peerBytes(farmerA)), public_key: KEY_A, subnet: 1, endpoints: ['198.18.0.10:51820', '10.0.0.5:51820'] },
          { peer_id: hex(peerBytes(farmerB)), public_key: KEY_B, subnet: 2 }
        ]
      },
      value: {
        networkId: unhex(NETWORK_ID),
        range: '10.20.0.0/16',
        subnet: 3,
        members: [
          { peerId: peerBytes(farmerA), publicKey: unhex(KEY_A), subnet: 1, endpoints: ['198.18.0.10:51820', '10.0.0.5:51820'] },
          { peerId: peerBytes(farmerB), publicKey: unhex(KEY_B), subnet: 2, endpoints: [] }
        ]
      }
    },
    {
      name: 'network-first-member',
      fields: { network_id: NETWORK_ID, range: '172.16.0.0/16', subnet: 1 },
      value: { networkId: unhex(NETWORK_ID), range: '172.16.0.0/16', subnet: 1, members: [] }
    }
  ]
  const result: { fields: Json, value: deploymentMessages.NetworkResult } = {
    fields: {
      public_key: KEY_SELF,
      endpoints: ['198.18.0.12:51823'],
      paths: [
        { peer_id: hex(peerBytes(farmerA)), path: 'DIRECT', endpoint: '198.18.0.10:51820', latest_handshake_ms: '1767225660000' },
        { peer_id: hex(peerBytes(farmerB)), path: 'RELAYED', endpoint: '127.0.0.1:40122', latest_handshake_ms: '1767225655000' }
      ]
    },
    value: {
      publicKey: unhex(KEY_SELF),
      endpoints: ['198.18.0.12:51823'],
      paths: [
        { peerId: peerBytes(farmerA), path: deploymentMessages.NetworkPathKind.DIRECT, endpoint: '198.18.0.10:51820', latestHandshakeMs: 1767225660000 },
        { peerId: peerBytes(farmerB), path: deploymentMessages.NetworkPathKind.RELAYED, endpoint: '127.0.0.1:40122', latestHandshakeMs: 1767225655000 }
      ]
    }
  }
  const container: deploymentMessages.ContainerData = { flist: unhex(FLIST), entrypoint: [], args: [], env: [], workdir: '', cru: 1, mru: 268435456, rootfsSize: 536870912, mounts: [], restart: deploymentMessages.RestartPolicy.NEVER, network: 'backend', ip: '10.20.3.7', cpuMilli: 0 }
  return {
    'deployment/network-data.json': {
      protocol: '/p2pcloud/deployment/1.1.0',
      description: 'NetworkData, the data of a "network" workload (deployment.md §5.1), NetworkResult, what it reports (§5.5), and ContainerData of a container attached to a network. Member peer ids are those of the vector keys with seeds 000102…1f and 404142…5f.',
      vectors: [
        ...networks.map(({ name, fields, value }) => ({ name, message: 'NetworkData', fields, encoded: hex(deploymentMessages.NetworkData.encode(value)) })),
        { name: 'result-direct-and-relayed', message: 'NetworkResult', fields: result.fields, encoded: hex(deploymentMessages.NetworkResult.encode(result.value)) },
        {
          name: 'container-in-network',
          message: 'ContainerData',
          fields: { flist: FLIST, cru: 1, mru: '268435456', rootfs_size: '536870912', network: 'backend', ip: '10.20.3.7' },
          encoded: hex(deploymentMessages.ContainerData.encode(container))
        }
      ]
    }
  }
}
