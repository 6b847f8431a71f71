import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { capacityExtension, signAdvert, type CapacityMarket } from '@p2pcloud/capacity'
import { contractsExtension } from '@p2pcloud/contracts'
import { VERSION } from '@p2pcloud/node'
import { dialAddress, startLoopbackPeer } from '@p2pcloud/sim'
import { parseDeploymentSpec, twinExtension, type Twin } from '@p2pcloud/twin'
import { CAPACITY_TOPIC } from '@p2pcloud/wire'
import { zdbCapability } from '@p2pcloud/zdb'
import { GiB, resources, startMarketPeer, tempDir, waitFor, type MarketPeer } from './helpers/index.js'

const MiB = 2 ** 20

/** A loopback port nobody listens on: bound, then closed. */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

/**
 * A forged advert, validly signed by a fresh key: the cheapest price there is (0), plenty of free
 * capacity, zdb offered, and one address where nothing answers. Published on the capacity topic by
 * `from`, an ordinary peer of the mesh.
 */
async function forgeAdvert (from: MarketPeer, country: string): Promise<string> {
  const key = await generateKeyPair('Ed25519')
  const peerId = peerIdFromPrivateKey(key).toString()
  const now = Date.now()
  const envelope = await signAdvert({
    peerId,
    farm: `forged-${peerId.slice(-6)}`,
    country,
    city: '',
    total: resources(64, 256, 10_000, 10_000),
    free: resources(64, 256, 10_000, 10_000),
    capabilities: ['zdb'],
    gatewayDomain: '',
    price: { currency: 'TFT', cuHour: 0, suHour: 0, ipv4Hour: 0 },
    addresses: [`/ip4/127.0.0.1/tcp/${await closedPort()}`],
    version: `p2pcloud/${VERSION}`,
    seq: now,
    issuedAt: now,
    expiresAt: now + 10 * 60_000
  }, key)
  await (from.node.services.pubsub as any).publish(CAPACITY_TOPIC, envelope)
  return peerId
}

const volumeSpec = (name: string, country: string): ReturnType<typeof parseDeploymentSpec> => parseDeploymentSpec(`
name: ${name}
where:
  country: ${country}
lease: 1h
workloads:
  - name: data
    type: volume
    size: 1G
`)

describe('placement past forged and dead farmers', () => {
  it('a forged price-0 advert with an unreachable address neither stalls deploy nor store init; with only such farmers the error names each one and why', async () => {
    const dir = await tempDir('placement')
    const zdb = zdbCapability({ root: join(dir, 'zdb') })
    const farmer = await startMarketPeer({
      farmer: { farm: 'gent', country: 'BE', total: resources(2, 4, 10, 10), capabilities: ['zdb'], drivers: [zdb.driver], services: { zdb: zdb.service } }
    })
    const attacker = await startMarketPeer({ bootstrap: farmer.node })
    const node = await startLoopbackPeer({ bootstrap: [dialAddress(farmer.node)] }, {
      extensions: [capacityExtension({ version: `p2pcloud/${VERSION}` }), contractsExtension({}), twinExtension({ settleTimeoutMs: 10_000 })]
    })
    const twin = node.services.twin as Twin
    const directory = (node.services.capacity as CapacityMarket).directory
    try {
      await waitFor('the twin and the attacker on the capacity topic', () =>
        (node.services.pubsub as any).getSubscribers(CAPACITY_TOPIC).length > 0 && (attacker.node.services.pubsub as any).getMeshPeers(CAPACITY_TOPIC).length > 0, 30_000)
      await waitFor('the twin to hear the farmer', () => directory.get(farmer.node.peerId.toString()) != null)
      const forged = await forgeAdvert(attacker, 'BE')
      await waitFor('the forged advert to reach the twin', () => directory.get(forged) != null)
      assert.equal(directory.query({ country: 'BE', sort: 'price' })[0].advert.peerId, forged, 'the forged advert is the cheapest')

      // deploy without a pinned farmer: the forged one is passed over, the real farmer takes it
      const deployed = await twin.deploy(volumeSpec('app', 'BE'))
      assert.equal(deployed.farmer, farmer.node.peerId.toString())
      assert.equal(deployed.status?.workloads[0].state, 'ok')
      assert.ok(twin.unreachable.has(forged), 'the forged farmer is remembered as not answering')

      // store init: the same, and the farmer that did not answer is not even tried first now
      const progress: string[] = []
      const pool = await twin.pools.create({ dataShards: 1, parityShards: 0, namespaceBytes: 64 * MiB, leaseMs: 3_600_000, onProgress: message => progress.push(message) })
      assert.deepEqual(pool.members.map(m => m.farmer), [farmer.node.peerId.toString()])
      assert.ok(progress.every(line => !line.includes(forged)), progress.join('\n'))

      // only forged farmers match: the error names each farmer tried and why
      const others = [await forgeAdvert(attacker, 'NL'), await forgeAdvert(attacker, 'NL')]
      await waitFor('the NL adverts to reach the twin', () => others.every(id => directory.get(id) != null))
      const namesEach = (err: any): boolean => {
        assert.equal(err.name, 'PlacementError')
        assert.deepEqual(err.tried.map((t: any) => t.farmer).sort(), [...others].sort())
        for (const id of others) assert.match(err.message, new RegExp(`${id}: \\S`))
        return true
      }
      await assert.rejects(twin.deploy(volumeSpec('nowhere', 'NL')), namesEach)
      await assert.rejects(twin.pools.create({ name: 'nl', dataShards: 1, parityShards: 1, namespaceBytes: 64 * MiB, leaseMs: 3_600_000, where: { country: 'NL' } }), namesEach)
      assert.deepEqual((await twin.list()).map(d => d.name).sort(), ['app', 'pool-default-0'], 'nothing of the failed placements is left')
      assert.equal(farmer.market.account?.free().hru, 10 * GiB - 64 * MiB)
    } finally {
      await Promise.all([node, attacker.node, farmer.node].map(async n => n.stop()))
    }
  })
})
