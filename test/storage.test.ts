import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import { POOL_NAMESPACE } from '@p2pcloud/twin'
import { ZdbClient } from '@p2pcloud/zdb'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { resources, startMarketPeer, type MarketPeer } from './helpers/index.js'

const MiB = 2 ** 20
const FARMS = [['gent', 'BE'], ['liege', 'BE'], ['berlin', 'DE'], ['paris', 'FR'], ['austin', 'US'], ['lyon', 'FR'], ['oslo', 'NO']]

async function readAll (chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts)
}

describe('storage over zdb namespaces on farmers', () => {
  it('a 4+2 pool on distinct farmers: any 2 stopped still read back, 3 stopped name the missing shards, repair moves a dead farmer\'s shards to a fresh one; another twin cannot even see the namespaces', async () => {
    const dir = await tempDir('storage')
    const farmers: MarketPeer[] = []
    for (const [farm, country] of FARMS) {
      farmers.push(await startMarketPeer({
        // a chain: one peer taking many dials from one host in a second is rate-limited
        bootstrap: farmers.at(-1)?.node,
        farmer: { farm, country, total: resources(2, 4, 1, 10), capabilities: ['zdb'], home: join(dir, farm) }
      }))
    }
    const startTwin = async (via: number): Promise<MarketPeer> => startMarketPeer({ bootstrap: farmers[via].node, twin: { settleTimeoutMs: 10_000 } })
    const { node, twin } = await startTwin(1)
    const other = await startTwin(4)
    try {
      await waitFor('the twin to hear every farmer', () => node.services.capacity.directory.size === FARMS.length, 60_000).catch(err => { throw new Error(`${err.message as string}: it knows ${node.services.capacity.directory.size}`) })
      const pool = await twin.pools.create({ dataShards: 4, parityShards: 2, namespaceBytes: 64 * MiB, leaseMs: 3_600_000 })
      assert.equal(new Set(pool.members.map(m => m.farmer)).size, 6)
      // distinct farms (the spreading order itself: choosePoolFarmers' unit test)
      assert.equal(new Set(pool.members.map(m => m.farm)).size, 6)

      const data = randomBytes(10 * MiB + 12345)
      const objects = await twin.pools.objects()
      const info = await objects.put((async function * () { for (let at = 0; at < data.length; at += MiB) yield data.subarray(at, at + MiB) })(), { name: 'blob' })
      assert.equal(info.size, data.length)
      assert.equal(Buffer.compare(await readAll(objects.get(info.objectId)), data), 0)

      // another twin: our namespaces are not even visible to it
      const member = pool.members[0]
      const peek = new ZdbClient(other.node, { farmer: peerIdFromString(member.farmer), contractId: member.contractId, namespace: POOL_NAMESPACE })
      // it dials the farmer by its advert: only once the advert reached it (it joined through another farmer)
      await waitFor('the other twin to hear of the farmer', () => other.node.services.capacity.directory.get(member.farmer) != null, 60_000)
      await other.twin.reach(peerIdFromString(member.farmer))
      await assert.rejects(peek.scan({ limit: 10 }), { code: 'NOT_FOUND', message: /no such namespace/ })

      const byFarmer = (id: string): MarketPeer => farmers.find(f => f.node.peerId.toString() === id) as MarketPeer
      const stopped = pool.members.slice(0, 2).map(m => byFarmer(m.farmer))
      await Promise.all(stopped.map(async f => f.node.stop()))
      assert.equal(Buffer.compare(await readAll((await twin.pools.objects()).get(info.objectId)), data), 0, 'any 2 of 6 stopped: identical bytes')

      const third = byFarmer(pool.members[2].farmer)
      await third.node.stop()
      await assert.rejects(readAll((await twin.pools.objects()).get(info.objectId)), (err: any) => {
        assert.equal(err.name, 'NotEnoughShardsError')
        assert.match(err.message, /segment 0/)
        return true
      })
      await third.node.start()
      await node.dial(third.node.getMultiaddrs())

      // repair: one spare farmer is left, so one dead farmer's column moves to a fresh namespace there; the other has nowhere to go
      const report = await twin.pools.repair(info.objectId)
      assert.equal(report.reserved.length, 1, JSON.stringify(report))
      assert.equal(report.unreplaced.length, 1)
      assert.equal(report.complete, false)
      const status = await (await twin.pools.objects()).status(info.objectId)
      assert.ok(status.readable)
      assert.ok(status.minGoodShards >= 5, `after repair every segment has ${status.minGoodShards} good shards`)
      assert.equal(Buffer.compare(await readAll((await twin.pools.objects()).get(info.objectId)), data), 0)
    } finally {
      await Promise.all([node, other.node, ...farmers.map(f => f.node)].map(async n => n.stop()))
      await rm(dir, { recursive: true, force: true })
    }
  })
})
