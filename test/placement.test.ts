import assert from 'node:assert/strict'
import { createServer, type Server, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { signAdvert } from '@p2pcloud/capacity'
import { VERSION } from '@p2pcloud/node'
import { parseDeploymentSpec } from '@p2pcloud/twin'
import { CAPACITY_TOPIC } from '@p2pcloud/wire'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { GiB, resources, startMarketPeer, type MarketPeer } from './helpers/index.js'

const MiB = 2 ** 20

/** A loopback port nobody listens on: bound, then closed. */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

/** A loopback port that accepts TCP connections and never says a word (a tarpit). */
async function silentPort (): Promise<{ port: number, close: () => Promise<void> }> {
  const held: Socket[] = []
  const server: Server = createServer(socket => { held.push(socket) })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      held.forEach(socket => socket.destroy())
      await new Promise(resolve => server.close(resolve))
    }
  }
}

/**
 * A forged advert, validly signed by a fresh key: the cheapest price there is (0), plenty of free
 * capacity, zdb offered, and one address where nothing answers (a closed port, else `port`). Published on the capacity topic by
 * `from`, an ordinary peer of the mesh.
 */
async function forgeAdvert (from: MarketPeer, country: string, port?: number): Promise<string> {
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
    addresses: [`/ip4/127.0.0.1/tcp/${port ?? await closedPort()}`],
    version: `p2pcloud/${VERSION}`,
    seq: now,
    issuedAt: now,
    expiresAt: now + 10 * 60_000
  }, key)
  await from.node.services.pubsub.publish(CAPACITY_TOPIC, envelope)
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
  it('forged price-0 adverts whose address is a closed port or a tarpit neither stall deploy nor store init; with only such farmers the error names each one and why', async () => {
    const dir = await tempDir('placement')
    const farmer = await startMarketPeer({
      farmer: { farm: 'gent', country: 'BE', total: resources(2, 4, 10, 10), capabilities: ['zdb'], home: dir }
    })
    const attacker = await startMarketPeer({ bootstrap: farmer.node })
    const { node, twin } = await startMarketPeer({ bootstrap: farmer.node, twin: { settleTimeoutMs: 10_000 } })
    const tarpit = await silentPort()
    const directory = node.services.capacity.directory
    try {
      await waitFor('the twin and the attacker on the capacity topic', () =>
        node.services.pubsub.getSubscribers(CAPACITY_TOPIC).length > 0 && (attacker.node.services.pubsub as any).getMeshPeers(CAPACITY_TOPIC).length > 0, 30_000)
      await waitFor('the twin to hear the farmer', () => directory.get(farmer.node.peerId.toString()) != null)
      const forged = await forgeAdvert(attacker, 'BE')
      const silent = await forgeAdvert(attacker, 'BE', tarpit.port)
      await waitFor('the forged adverts to reach the twin', () => directory.get(forged) != null && directory.get(silent) != null)
      assert.deepEqual(directory.query({ country: 'BE', sort: 'price' }).slice(0, 2).map(e => e.advert.peerId).sort(), [forged, silent].sort(), 'the forged adverts are the cheapest')

      // deploy without a pinned farmer: the forged ones are passed over, the real farmer takes it
      const started = Date.now()
      const deployed = await twin.deploy(volumeSpec('app', 'BE'))
      // a figure for the log, not an assertion: what a dead address and a tarpit cost a deploy
      console.log(`deploy past a closed port and a tarpit took ${Date.now() - started} ms`)
      assert.equal(deployed.farmer, farmer.node.peerId.toString())
      assert.equal(deployed.status?.workloads[0].state, 'ok')
      assert.ok(twin.unreliable.has(forged) && twin.unreliable.has(silent), 'the forged farmers are remembered as not answering')

      // store init: the same, and the farmer that did not answer is not even tried first now
      const progress: string[] = []
      const pool = await twin.pools.create({ dataShards: 1, parityShards: 0, namespaceBytes: 64 * MiB, leaseMs: 3_600_000, onProgress: message => progress.push(message) })
      assert.deepEqual(pool.members.map(m => m.farmer), [farmer.node.peerId.toString()])
      assert.ok(progress.every(line => !line.includes(forged) && !line.includes(silent)), progress.join('\n'))

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
      await tarpit.close()
    }
  })
})
