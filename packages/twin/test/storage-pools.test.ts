import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { choosePoolFarmers } from '../src/index.js'
import type { DirectoryEntry } from '@p2pcloud/capacity'

const farmer = (peerId: string, farm: string, country: string): DirectoryEntry => ({ advert: { peerId, farm, country } }) as unknown as DirectoryEntry

describe('choosePoolFarmers', () => {
  const candidates = [
    farmer('a', 'gent', 'BE'), farmer('b', 'gent', 'BE'), farmer('c', 'liege', 'BE'),
    farmer('d', 'berlin', 'DE'), farmer('e', 'berlin', 'DE'), farmer('f', 'paris', 'FR')
  ]

  it('takes one farmer per farm and country first, then one per farm, then any, keeping the given (price) order', () => {
    assert.deepEqual(choosePoolFarmers(candidates, 3).map(e => e.advert.peerId), ['a', 'd', 'f'])
    assert.deepEqual(choosePoolFarmers(candidates, 4).map(e => e.advert.peerId), ['a', 'd', 'f', 'c'])
    assert.deepEqual(choosePoolFarmers(candidates, 6).map(e => e.advert.peerId), ['a', 'd', 'f', 'c', 'b', 'e'])
  })

  it('counts the farms and countries of the members already there (a repair\'s replacement)', () => {
    assert.deepEqual(choosePoolFarmers(candidates, 2, [{ farm: 'gent', country: 'BE' }, { farm: 'paris', country: 'FR' }]).map(e => e.advert.peerId), ['d', 'c'])
    assert.deepEqual(choosePoolFarmers(candidates, 1, [{ farm: 'berlin', country: 'DE' }]).map(e => e.advert.peerId), ['a'])
    assert.deepEqual(choosePoolFarmers([candidates[1], candidates[4], candidates[5]], 1, [{ farm: 'gent', country: 'BE' }, { farm: 'x', country: 'FR' }]).map(e => e.advert.peerId), ['e'])
  })

  it('never takes a farmer twice, and gives fewer when there are fewer', () => {
    assert.deepEqual(choosePoolFarmers([...candidates, candidates[0]], 10).map(e => e.advert.peerId), ['a', 'd', 'f', 'c', 'b', 'e'])
  })
})
