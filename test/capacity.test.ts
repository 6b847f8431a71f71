import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { LevelDatastore } from 'datastore-level'
import { advertKey, signAdvert, type Advert } from '@p2pcloud/capacity'
import { dialAddress } from '@p2pcloud/sim'
import { CAPACITY_TOPIC } from '@p2pcloud/wire'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { farmerHome, resources, runCli, spawnDaemon, startMarketPeer, type CliDaemon, type MarketPeer } from './helpers/index.js'

async function stop (peers: MarketPeer[]): Promise<void> {
  await Promise.all(peers.map(async p => p.node.stop()))
}

/** A home made by `p2pcloud init` for a peer that is no farmer. */
async function userHome (prefix: string): Promise<string> {
  const home = await tempDir(prefix)
  const init = await runCli(['init', '--home', home])
  assert.equal(init.code, 0, init.stderr)
  return home
}

/** The farmers `p2pcloud find --local` lists on `peer`. */
async function listed (peer: CliDaemon): Promise<string[]> {
  const find = await runCli(['find', '--local', '--json', '--home', peer.ready.home])
  assert.equal(find.code, 0, find.stderr)
  return JSON.parse(find.stdout).map((farmer: { peerId: string }) => farmer.peerId)
}

function seqOf (peer: MarketPeer, farmer: MarketPeer): number | undefined {
  return peer.market.directory.get(farmer.node.peerId.toString())?.advert.seq
}

describe('capacity market', () => {
  it('a farmer\'s advert reaches other peers over gossip and find returns exactly the matching farmers', async () => {
    const hub = await startMarketPeer()
    const peers = [hub]
    try {
      peers.push(await startMarketPeer({ bootstrap: hub.node, farmer: { farm: 'gent', country: 'BE', total: resources(8, 32) } }))
      peers.push(await startMarketPeer({ bootstrap: hub.node, farmer: { farm: 'gent', country: 'BE', total: resources(1, 4) } }))
      peers.push(await startMarketPeer({ bootstrap: hub.node, farmer: { farm: 'berlin', country: 'DE', total: resources(16, 64) } }))
      const twin = await startMarketPeer({ bootstrap: hub.node })
      peers.push(twin)
      await waitFor('the twin to hear all three farmers', () => twin.market.directory.size === 3)
      const found = await twin.market.find({ country: 'BE', minFree: { cru: 2 } }, { localOnly: true })
      assert.deepEqual(found.map(e => e.advert.peerId), [peers[1].node.peerId.toString()])
      assert.equal(found[0].advert.free.cru, 8)
      assert.equal(found[0].advert.free.mru, 32 * 2 ** 30)
      assert.equal(found[0].source, 'gossip')
    } finally {
      await stop(peers)
    }
  })

  it('free capacity booked on a farmer shows up in other peers\' directories', async () => {
    const farmer = await startMarketPeer({ farmer: { farm: 'gent', country: 'BE', total: resources(8, 32) } })
    const twin = await startMarketPeer({ bootstrap: farmer.node })
    try {
      await waitFor('the twin to hear the farmer', () => seqOf(twin, farmer) != null)
      await farmer.market.account?.reserve(resources(3, 8, 10))
      await waitFor('the twin to see 5 free cores', () => twin.market.directory.get(farmer.node.peerId.toString())?.advert.free.cru === 5)
      const entry = twin.market.directory.get(farmer.node.peerId.toString())
      assert.equal(entry?.advert.free.mru, 24 * 2 ** 30)
      assert.equal(entry?.advert.free.sru, 90 * 2 ** 30)
      assert.equal(entry?.advert.total.cru, 8)
      await farmer.market.account?.release(resources(3, 8, 10))
      await waitFor('the twin to see all 8 cores free again', () => twin.market.directory.get(farmer.node.peerId.toString())?.advert.free.cru === 8)
    } finally {
      await stop([twin, farmer])
    }
  })

  it('forged, replayed and oversized adverts are rejected, and their sender loses gossip score', async () => {
    // the farmer advertises only when told to, so the seqs below are exactly known
    const farmer = await startMarketPeer({ readvertiseBelowTopicPeers: 0, farmer: { farm: 'gent', country: 'BE', total: resources(8, 32) } })
    const twin = await startMarketPeer({ bootstrap: farmer.node })
    const attacker = await startMarketPeer({ bootstrap: twin.node })
    try {
      await waitFor('the farmer to see the twin on the topic', () => farmer.node.services.pubsub.getSubscribers(CAPACITY_TOPIC).some(p => p.equals(twin.node.peerId)))
      await waitFor('the attacker to see the twin on the topic', () => attacker.node.services.pubsub.getSubscribers(CAPACITY_TOPIC).some(p => p.equals(twin.node.peerId)))
      await farmer.market.readvertise('the twin is on the topic now')
      await waitFor('the twin to hear the farmer', () => seqOf(twin, farmer) != null)
      const old = farmer.market.ownAdvert()
      assert.ok(old != null)
      await farmer.market.readvertise('test')
      const current = farmer.market.ownAdvert()?.advert.seq
      await waitFor('the twin to hold the newer advert', () => seqOf(twin, farmer) === current)

      // 1. a replay of the farmer's older, validly signed advert
      await attacker.node.services.pubsub.publish(CAPACITY_TOPIC, old.envelope)
      // 2. the farmer's advert with 1000 cores, signed by the attacker
      const forgedKey = await generateKeyPair('Ed25519')
      const forged: Advert = { ...old.advert, free: { ...old.advert.free, cru: 1000 }, total: { ...old.advert.total, cru: 1000 }, seq: Date.now() + 1000 }
      await attacker.node.services.pubsub.publish(CAPACITY_TOPIC, await signAdvert(forged, forgedKey))
      // 3. 9 KiB of noise
      await attacker.node.services.pubsub.publish(CAPACITY_TOPIC, new Uint8Array(9 * 1024).fill(7))

      // getScore is on js-gossipsub's class, not on its published interface
      const scores = twin.node.services.pubsub as unknown as { getScore(peer: string): number }
      await waitFor('the twin to score the attacker below zero', () => scores.getScore(attacker.node.peerId.toString()) < 0)
      assert.equal(seqOf(twin, farmer), current, 'the twin still holds the farmer\'s latest advert')
      assert.equal(twin.market.directory.get(farmer.node.peerId.toString())?.advert.total.cru, 8)
      assert.equal(twin.market.directory.size, 1)
    } finally {
      await stop([attacker, twin, farmer])
    }
  })

  it('a restarted farmer keeps its identity and its seq keeps increasing', async () => {
    const dir = await tempDir('farmer')
    const privateKey = await generateKeyPair('Ed25519')
    const spec = { farm: 'gent', country: 'BE', total: resources(4, 8) }
    const firstStore = await openLevel(dir)
    const first = await startMarketPeer({ farmer: spec, privateKey, datastore: firstStore })
    const firstSeq = first.market.ownAdvert()?.advert.seq
    assert.ok(firstSeq != null)
    await first.node.stop()
    await firstStore.close()
    const secondStore = await openLevel(dir)
    const second = await startMarketPeer({ farmer: spec, privateKey, datastore: secondStore })
    try {
      assert.ok(second.node.peerId.equals(first.node.peerId))
      assert.ok((second.market.ownAdvert()?.advert.seq ?? 0) > firstSeq)
      assert.ok(second.market.directory.get(first.node.peerId.toString()) != null, 'its own advert was kept in the level directory')
    } finally {
      await second.node.stop()
      await secondStore.close()
    }
  })

  it('a farmer that crashes disappears from find once its advert expires', async () => {
    const farmer = await spawnDaemon(await farmerHome('crash', { cru: 2, mru: '2G', sru: '10G', hru: 0 }, { advertTtlSeconds: 2 }))
    const twin = await spawnDaemon(await userHome('crash-twin'), { args: ['--bootstrap', farmer.ready.addresses[0]] })
    try {
      await waitFor('the twin to list the farmer', async () => (await listed(twin)).includes(farmer.ready.peerId))
      const killedAt = Date.now()
      farmer.child.kill('SIGKILL') // no clean stop: it cannot say it leaves
      await waitFor('the farmer to drop out of find', async () => !(await listed(twin)).includes(farmer.ready.peerId))
      assert.ok(Date.now() - killedAt >= 1000, 'it stays listed until its advert expires, not just until it disconnects')
    } finally {
      await twin.stop()
      await farmer.stop()
    }
  })

  it('a farmer that stops cleanly leaves find at once with a signed leaving advert, and is listed again when it comes back', async () => {
    const home = await farmerHome('leave', { cru: 2, mru: '2G', sru: '10G', hru: 0 })
    let farmer = await spawnDaemon(home)
    const twin = await spawnDaemon(await userHome('leave-twin'), { args: ['--bootstrap', farmer.ready.addresses[0]] })
    try {
      await waitFor('the twin to list the farmer', async () => (await listed(twin)).includes(farmer.ready.peerId))
      const stop = await runCli(['stop', '--home', home])
      assert.equal(stop.code, 0, stop.stderr)
      // its advert lives 10 minutes: only the leaving advert can take it out within seconds
      await waitFor('the farmer to drop out of find', async () => !(await listed(twin)).includes(farmer.ready.peerId), 15_000)
      farmer = await spawnDaemon(home, { args: ['--bootstrap', twin.ready.addresses[0]] })
      await waitFor('the twin to list the farmer again', async () => (await listed(twin)).includes(farmer.ready.peerId))
    } finally {
      await twin.stop()
      await farmer.stop()
    }
  })

  it('a peer that joined after the adverts were gossiped finds farmers through the DHT: asked directly, or read from the DHT when crashed', async () => {
    const hub = await startMarketPeer()
    const peers = [hub]
    let liege: CliDaemon | undefined
    try {
      for (const [farm, country, cru] of [['gent', 'BE', 4], ['berlin', 'DE', 8]] as const) {
        // no re-advertising to newcomers: the late peer can only learn through the DHT
        peers.push(await startMarketPeer({ bootstrap: hub.node, readvertiseBelowTopicPeers: 0, farmer: { farm, country, total: resources(cru, 16) } }))
      }
      // liege runs in a process of its own, so that it can crash (SIGKILL) without a leaving advert
      liege = await spawnDaemon(await farmerHome('liege', { cru: 8, mru: '16G', sru: '100G', hru: 0 }, { farm: 'liege' }), { args: ['--bootstrap', dialAddress(hub.node)] })
      const gent = peers[1]
      const liegeId = liege.ready.peerId
      const beFarmers = [gent.node.peerId.toString(), liegeId].sort()
      // wait until the hub holds the BE providers: the farmers have provided their index keys
      const { indexKeyCid } = await import('@p2pcloud/capacity')
      const beKey = await indexKeyCid({ kind: 'country', country: 'BE' })
      await waitFor('the BE farmers to be provided in the DHT', async () => {
        const providers = new Set<string>()
        for await (const event of hub.node.services.dht.findProviders(beKey, { signal: AbortSignal.timeout(2000) })) {
          if (event.name === 'PROVIDER') event.providers.forEach(p => providers.add(p.id.toString()))
        }
        return beFarmers.every(id => providers.has(id))
      }, 30_000, 500)

      // liege crashes: it is still provided and its advert record is still in the hub's DHT
      await waitFor('the hub to hold liege\'s advert record', async () => {
        for await (const event of hub.node.services.dht.get(advertKey(liegeId), { signal: AbortSignal.timeout(2000) })) {
          if (event.name === 'VALUE') return true
        }
        return false
      }, 30_000, 500)
      liege.child.kill('SIGKILL')
      await liege.stop()

      const late = await startMarketPeer({ bootstrap: hub.node })
      peers.push(late)
      assert.equal(late.market.directory.size, 0)
      const found = await late.market.find({ country: 'BE', minFree: { cru: 2 } })
      assert.deepEqual(found.map(e => e.advert.peerId).sort(), beFarmers)
      const byId = new Map(found.map(e => [e.advert.peerId, e]))
      // gent answered the capacity request itself; liege could not, so its DHT record was read
      assert.equal(byId.get(gent.node.peerId.toString())?.source, 'direct')
      assert.equal(byId.get(gent.node.peerId.toString())?.answered, true)
      assert.equal(byId.get(liegeId)?.source, 'dht')
      assert.equal(byId.get(liegeId)?.answered, false)
      assert.deepEqual(found.map(e => e.advert.free.cru).sort(), [4, 8])
    } finally {
      await liege?.stop()
      await stop(peers)
    }
  })
})

async function openLevel (dir: string): Promise<LevelDatastore> {
  const datastore = new LevelDatastore(dir)
  await datastore.open()
  return datastore
}
