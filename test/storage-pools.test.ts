import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { peerIdFromString } from '@libp2p/peer-id'
import { tempDir, waitFor } from '@p2pcloud/test-utils'
import { resources, startMarketPeer, type MarketPeer } from './helpers/index.js'
import type { StoragePool } from '@p2pcloud/twin'

const MiB = 2 ** 20
// four countries, two farms in Belgium, and one farmer to spare for a repair
const FARMS = [['gent', 'BE'], ['liege', 'BE'], ['berlin', 'DE'], ['paris', 'FR'], ['oslo', 'NO']]

async function * once (bytes: Uint8Array): AsyncIterable<Uint8Array> { yield bytes }
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
async function readAll (chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts)
}

describe('storage pools on farmers', () => {
  it('a full pool says so in one line, frees its space on rm and takes as much again; shows its use; refuses rm of a member; renews its leases; a repair cancels what it replaced; grows by moving every object into larger namespaces; rm removes it all', async () => {
    const dir = await tempDir('storage-pools')
    const farmers: MarketPeer[] = []
    for (const [farm, country] of FARMS) {
      farmers.push(await startMarketPeer({
        bootstrap: farmers.at(-1)?.node,
        farmer: { farm, country, total: resources(2, 4, 1, 10), capabilities: ['zdb'], home: join(dir, farm) }
      }))
    }
    const { node, twin } = await startMarketPeer({ bootstrap: farmers[2].node, twin: { settleTimeoutMs: 10_000, poolRenewCheckMs: 1000 } })
    const byFarmer = (id: string): MarketPeer => farmers.find(f => f.node.peerId.toString() === id) as MarketPeer
    const contractAt = async (farmer: string, contractId: string): Promise<{ state: string, leaseEnd: number } | undefined> => {
      const contract = (await twin.contracts(peerIdFromString(farmer))).find(c => c.id === contractId)
      return contract != null ? { state: contract.state, leaseEnd: contract.acceptance.leaseEnd } : undefined
    }
    try {
      await waitFor('the twin to hear every farmer', () => node.services.capacity.directory.size === FARMS.length, 60_000)
      // the shortest lease a farmer takes: renewed after 30 s
      const pool = await twin.pools.create({ name: 'small', dataShards: 2, parityShards: 1, namespaceBytes: 4 * MiB, leaseMs: 60_000 })
      assert.equal(new Set(pool.members.map(m => m.country)).size, 3, `one country per shard: ${pool.members.map(m => m.country).join(', ')}`)
      const firstLeaseEnd = pool.members[0].leaseEnd as number
      assert.ok(firstLeaseEnd > Date.now())

      // fill it: a 1 MiB object puts half a MiB in each namespace
      const hashes = new Map<string, string>()
      // before and after growing: 4 or 8 MiB namespaces
      const fill = async (): Promise<number> => {
        for (let stored = 0; ; stored++) {
          try {
            const data = randomBytes(MiB)
            hashes.set((await twin.pools.put(once(data), { pool: 'small', name: `o${stored}` })).objectId, sha(data))
          } catch (err: any) {
            assert.equal(err.name, 'PoolFull', err.message)
            assert.match(err.message, /^storage pool "small" is full: [\d.]+ MiB of (12|24) MiB used \(3 namespaces of (4|8) MiB, the fullest at [\d.]+ MiB\); delete objects/)
            assert.ok(err.message.length < 200, err.message)
            return stored
          }
        }
      }
      const first = await fill()
      assert.ok(first >= 6, `${first} objects of 1 MiB in 4 MiB namespaces`)
      const full = await twin.pools.usage('small')
      assert.equal(full.health, 'healthy')
      assert.ok(full.usedBytes > 3 * 3 * MiB, `${full.usedBytes} bytes used`)
      for (const member of full.usage) assert.ok(member.health === 'ok' && member.entries === 2 * first, JSON.stringify(member))

      const objects = await twin.pools.objects('small')
      for (const o of (await objects.list()).objects) await objects.delete(o.objectId)
      assert.equal((await twin.pools.usage('small')).usedBytes, 0)
      assert.equal(await fill(), first, 'as many objects again once emptied')

      // a member alone cannot be removed
      await assert.rejects(twin.delete(pool.members[1].deployment), { name: 'PoolMember', message: /is a namespace of storage pool "small".*p2pcloud store pool rm small/ })
      await assert.rejects(twin.cancelContract(pool.members[1].contractId), { name: 'PoolMember' })

      // renewed at half its lease, at the farmer too
      await waitFor('the pool to renew its namespaces', async () => (await twin.pools.get('small')).members.every(m => (m.leaseEnd as number) > firstLeaseEnd + 20_000), 45_000)
      const renewed = (await twin.pools.get('small')).members[0]
      assert.equal((await contractAt(renewed.farmer, renewed.contractId))?.leaseEnd, renewed.leaseEnd)

      // a farmer stops: its namespace is replaced on the spare farmer, and its contract cancelled once it is back
      const gone = renewed
      const goneFarmer = byFarmer(gone.farmer)
      await goneFarmer.node.stop()
      const objectId = (await (await twin.pools.objects('small')).list()).objects[0].objectId
      const report = await twin.pools.repair(objectId, { pool: 'small' })
      assert.equal(report.reserved.length, 1, JSON.stringify(report))
      const repaired: StoragePool = await twin.pools.get('small')
      assert.ok(!repaired.members.some(m => m.farmer === gone.farmer))
      assert.equal((await twin.list()).some(d => d.name === gone.deployment), false, 'the replaced deployment is no longer ours')
      await goneFarmer.node.start()
      await node.dial(goneFarmer.node.getMultiaddrs())
      await twin.resolvePending()
      assert.equal((await contractAt(gone.farmer, gone.contractId))?.state, 'cancelled')

      // grown to twice the size on the same farmers: every object reads back, and as many again fit
      const objectsBefore = (await (await twin.pools.objects('small')).list()).objects
      const progress: string[] = []
      const grown = await twin.pools.grow('small', 8 * MiB, message => progress.push(message))
      assert.equal(grown.namespaceBytes, 8 * MiB)
      assert.deepEqual(grown.members.map(m => m.farmer), repaired.members.map(m => m.farmer))
      assert.equal(progress.filter(p => p.startsWith('moving object')).length, objectsBefore.length)
      for (const o of objectsBefore) assert.equal(sha(await readAll((await twin.pools.objects('small')).get(o.objectId))), hashes.get(o.objectId))
      for (const m of repaired.members) assert.equal((await contractAt(m.farmer, m.contractId))?.state, 'cancelled')
      assert.ok(await fill() >= first, 'the grown pool takes as many objects again')
      await assert.rejects(twin.pools.grow('small', 4 * MiB), { name: 'SpecError', message: /takes a larger size/ })
      // more than the farmers have: refused, the pool as it was, no namespace left reserved
      await assert.rejects(twin.pools.grow('small', 1024 * 1024 * MiB))
      assert.deepEqual(await twin.pools.get('small'), grown)
      assert.deepEqual((await twin.list()).map(d => d.name).filter(n => n.startsWith('pool-small')).sort(), grown.members.map(m => m.deployment).sort())

      const members = grown.members
      const removed = await twin.pools.remove('small')
      assert.deepEqual(removed.members.map(m => m.cancelled), [true, true, true])
      await assert.rejects(twin.pools.get('small'), { name: 'PoolNotFound' })
      for (const member of members) assert.equal((await contractAt(member.farmer, member.contractId))?.state, 'cancelled')
    } finally {
      await Promise.all([node, ...farmers.map(f => f.node)].map(async n => n.stop()))
      await rm(dir, { recursive: true, force: true })
    }
  })
})
