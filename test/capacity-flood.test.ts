import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { LevelDatastore } from 'datastore-level'
import { createLibp2p, type Libp2p } from 'libp2p'
import { DEFAULT_NEW_FARMERS_PER_RELAY_PER_MINUTE, signAdvert, type Advert } from '@p2pcloud/capacity'
import { CAPACITY_TOPIC, peerIdFromBytes } from '@p2pcloud/wire'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { GiB, resources, startMarketPeer, type MarketPeer } from './helpers/index.js'

const FLOOD = 5000
const MAX_FARMERS = 300

/** A bare libp2p peer that speaks gossipsub and nothing of p2pcloud: it only publishes what it is given. */
async function startRawGossipPeer (): Promise<Libp2p<{ pubsub: GossipSub }>> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, emitSelf: false })
    }
  })
}

/** A valid advert of a fresh key: price 0 and more free capacity than the real farmer, in its country. */
async function sybilAdvert (i: number): Promise<Uint8Array> {
  const key = await generateKeyPair('Ed25519')
  const now = Date.now()
  const advert: Advert = {
    peerId: peerIdFromBytes(key.publicKey.toMultihash().bytes),
    farm: `sybil-${i}`,
    country: 'BE',
    city: '',
    total: resources(64, 256, 1000),
    free: resources(64, 256, 1000),
    capabilities: [],
    gatewayDomain: '',
    price: { currency: 'TFT', cuHour: 0, suHour: 0, ipv4Hour: 0 },
    addresses: ['/ip4/203.0.113.7/tcp/4001'],
    version: 'p2pcloud/0.1.0',
    seq: now,
    issuedAt: now,
    expiresAt: now + 10 * 60_000
  }
  return signAdvert(advert, key)
}

async function storedAdverts (datastore: LevelDatastore): Promise<number> {
  let count = 0
  for await (const _ of datastore.queryKeys({ prefix: '/p2pcloud/directory/' })) count++
  return count
}

describe('capacity market under a Sybil advert flood', () => {
  it('fresh-key adverts through one relaying peer: the directory stays within its bound, the excess is ignored, the farmer that answered stays on top', async () => {
    const peers: MarketPeer[] = []
    let attacker: Libp2p<{ pubsub: GossipSub }> | undefined
    const store = new LevelDatastore(await tempDir('flood'))
    await store.open()
    try {
      const farmer = await startMarketPeer({ farmer: { farm: 'gent', country: 'BE', total: resources(8, 32) } })
      peers.push(farmer)
      // the peer under attack: a level directory bounded at MAX_FARMERS, the default rate limit
      const twin = await startMarketPeer({ bootstrap: farmer.node, datastore: store, maxFarmers: MAX_FARMERS })
      peers.push(twin)
      // behind the twin, a peer with no rate limit of its own (and room for all): it holds what the twin let through
      const watcher = await startMarketPeer({ bootstrap: twin.node, newFarmersPerRelayPerMinute: 1_000_000 })
      peers.push(watcher)
      const farmerId = farmer.node.peerId.toString()
      await waitFor('the twin to hear the farmer', () => twin.market.directory.get(farmerId) != null)
      await twin.market.fetchAdvert(farmer.node.peerId)
      assert.equal(twin.market.directory.get(farmerId)?.answered, true, 'the farmer answered a capacity request')

      attacker = await startRawGossipPeer()
      await attacker.dial(twin.node.getMultiaddrs()[0])
      const raw = attacker
      await waitFor('the attacker to see the twin on the topic', () => raw.services.pubsub.getSubscribers(CAPACITY_TOPIC).some(p => p.equals(twin.node.peerId)))
      const adverts = await Promise.all(Array.from({ length: FLOOD }, async (_, i) => sybilAdvert(i)))
      const floodStart = Date.now()
      for (const advert of adverts) await raw.services.pubsub.publish(CAPACITY_TOPIC, advert)
      // settled: nothing more reached the watcher for 3 s
      let last = -1
      await waitFor('the flood to settle', () => {
        const settled = watcher.market.directory.size === last
        last = watcher.market.directory.size
        return settled
      }, 120_000, 3000)
      const minutes = (Date.now() - floodStart) / 60_000

      assert.ok(twin.market.directory.size <= MAX_FARMERS, `the twin holds ${twin.market.directory.size} farmers`)
      assert.ok(await storedAdverts(store) <= MAX_FARMERS, 'and no more on disk')
      assert.ok(twin.market.directory.get(farmerId)?.answered, 'the farmer that answered was not evicted')
      // every Sybil advert the watcher holds went through the twin's validator (the attacker is connected to the twin alone)
      const relayed = watcher.market.directory.size - 1
      const allowed = DEFAULT_NEW_FARMERS_PER_RELAY_PER_MINUTE * (1 + minutes)
      assert.ok(relayed > 0, 'the flood reached the twin')
      assert.ok(relayed <= allowed, `the twin accepted and relayed ${relayed} of ${FLOOD} new farmers from one peer; at most ${Math.floor(allowed)} allowed`)

      const top = await twin.market.find({ country: 'BE', minFree: { cru: 2, mru: 4 * GiB }, limit: 5 }, { localOnly: true })
      assert.equal(top[0]?.advert.peerId, farmerId, 'the farmer that answered ranks above price-0 adverts of bare keys')
      assert.equal(top.length, 5)
    } finally {
      await attacker?.stop()
      await Promise.all(peers.map(async p => p.node.stop()))
      await store.close()
    }
  })
})
