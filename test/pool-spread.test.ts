import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { drawFarmerProfile, seededRandom } from '@p2pcloud/sim'
import { choosePoolFarmers } from '@p2pcloud/twin'
import type { DirectoryEntry } from '@p2pcloud/capacity'

/** The simulation's farmers (Belgium weighs most), as directory entries in price order, the Belgian ones cheapest: the order that packs shards into one country unless they are spread. */
function simWorld (seed: number, count: number): DirectoryEntry[] {
  const random = seededRandom(seed)
  const farmers = Array.from({ length: count }, (_, i) => ({ peerId: `farmer-${i}`, ...drawFarmerProfile(i, random) }))
  farmers.sort((a, b) => Number(b.country === 'BE') - Number(a.country === 'BE'))
  return farmers.map(f => ({ advert: { peerId: f.peerId, farm: f.farm, country: f.country } }) as unknown as DirectoryEntry)
}

describe('a pool\'s shards over the simulation\'s countries', () => {
  it('one shard per country while there are countries enough, then one per farm; a repair\'s replacement avoids the countries that stay', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const world = simWorld(seed, 40)
      const countries = new Set(world.map(e => e.advert.country)).size
      assert.ok(countries >= 7, `seed ${seed}: ${countries} countries`)
      const pool = choosePoolFarmers(world, 6)
      assert.equal(new Set(pool.map(e => e.advert.country)).size, 6, `seed ${seed}: ${pool.map(e => e.advert.country).join(' ')}`)
      // more shards than countries: every country once, and then no farm twice
      const wide = choosePoolFarmers(world, countries + 3)
      assert.equal(new Set(wide.map(e => e.advert.country)).size, countries)
      assert.equal(new Set(wide.map(e => e.advert.farm)).size, wide.length)

      const [lost, ...staying] = pool
      const outside = world.filter(e => !pool.includes(e))
      const [replacement] = choosePoolFarmers(outside, 1, staying.map(e => e.advert))
      assert.ok(!staying.some(e => e.advert.country === replacement.advert.country), `seed ${seed}: the replacement of ${lost.advert.country} is in ${replacement.advert.country}, where a member is`)
    }
  })
})
