import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resources, startMarketPeer, waitFor, type MarketPeer } from './helpers/index.js'

async function stop (peers: MarketPeer[]): Promise<void> {
  await Promise.all(peers.map(async p => p.node.stop()))
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
})
