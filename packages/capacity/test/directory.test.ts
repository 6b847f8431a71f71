import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { MemoryDatastore } from 'datastore-core'
import { LevelDatastore } from 'datastore-level'
import { Key, type Datastore } from 'interface-datastore'
import { tempDir } from '@p2pcloud/test-utils'
import { signAdvert, verifyAdvert, type Advert, type VerifiedAdvert } from '../src/advert.js'
import { DEFAULT_FIND_LIMIT, Directory, type DirectoryEntry } from '../src/directory.js'
import { MINUTE, TOTAL, advertAt, farmer, type Farmer } from './fixtures.js'

const NOW = Date.UTC(2030, 0, 1)
const SKEW = 5 * MINUTE

const advertOf = (peerId: string, overrides: Partial<Advert> = {}): Advert => advertAt(peerId, NOW, overrides)

async function signed (f: Farmer, overrides: Partial<Advert> = {}, now = NOW): Promise<VerifiedAdvert> {
  return verifyAdvert(await signAdvert(advertOf(f.peerId, overrides), f.key), now)
}

function storedKey (peerId: string): Key {
  return new Key(`/p2pcloud/directory/${peerId}`)
}

/** The adverts on disk (tombstones of evicted adverts live under /p2pcloud/directory-evicted/). */
async function storedPeers (datastore: Datastore): Promise<string[]> {
  const peers: string[] = []
  for await (const { key } of datastore.query({ prefix: '/p2pcloud/directory/' })) peers.push(key.baseNamespace())
  return peers.sort()
}

function assertBytes (actual: Uint8Array | undefined, expected: Uint8Array): void {
  assert.ok(actual != null)
  assert.deepEqual(Uint8Array.from(actual), Uint8Array.from(expected))
}

function ids (entries: DirectoryEntry[]): string[] {
  return entries.map(entry => entry.advert.peerId)
}

function clock (start = NOW): { now: () => number, set: (t: number) => void } {
  let t = start
  return { now: () => t, set: (value) => { t = value } }
}

describe('Directory.admit', () => {
  it('accepts a new advert, stores its exact envelope, and records where it came from', async () => {
    const datastore = new MemoryDatastore()
    const directory = new Directory(datastore, () => NOW)
    const f = await farmer()
    const advert = await signed(f)
    assert.equal(await directory.admit(advert, 'gossip'), 'accepted')
    const entry = directory.get(f.peerId)
    assert.ok(entry != null)
    assert.equal(entry.source, 'gossip')
    assert.equal(entry.receivedAt, NOW)
    assert.deepEqual(entry.advert, advert.advert)
    assertBytes(await datastore.get(storedKey(f.peerId)), advert.envelope)
    assert.equal(directory.size, 1)
  })

  it('the same bytes again are a duplicate', async () => {
    const directory = new Directory(new MemoryDatastore(), () => NOW)
    const f = await farmer()
    const advert = await signed(f)
    assert.equal(await directory.admit(advert, 'gossip'), 'accepted')
    assert.equal(await directory.admit(advert, 'dht'), 'duplicate')
    // re-verifying the same bytes gives a new object, still a duplicate
    assert.equal(await directory.admit(await verifyAdvert(advert.envelope, NOW), 'direct'), 'duplicate')
    assert.equal(directory.get(f.peerId)?.source, 'gossip')
  })

  it('a higher seq replaces the advert; a replay of the older one is stale', async () => {
    const datastore = new MemoryDatastore()
    const directory = new Directory(datastore, () => NOW)
    const f = await farmer()
    const first = await signed(f, { seq: NOW })
    const second = await signed(f, { seq: NOW + 1, free: { ...TOTAL, cru: 1 } })
    assert.equal(await directory.admit(first, 'gossip'), 'accepted')
    assert.equal(await directory.admit(second, 'gossip'), 'accepted')
    assert.equal(directory.get(f.peerId)?.advert.free.cru, 1)
    assert.equal(await directory.admit(first, 'gossip'), 'stale')
    assert.equal(directory.get(f.peerId)?.advert.seq, NOW + 1)
    assertBytes(await datastore.get(storedKey(f.peerId)), second.envelope)
    assert.equal(directory.size, 1)
  })

  it('the same seq with other bytes is a conflict, and the first advert stays (in memory and on disk)', async () => {
    const datastore = new MemoryDatastore()
    const directory = new Directory(datastore, () => NOW)
    const f = await farmer()
    const first = await signed(f, { seq: NOW + 7 })
    const other = await signed(f, { seq: NOW + 7, free: { ...TOTAL } })
    assert.equal(await directory.admit(first, 'gossip'), 'accepted')
    assert.equal(await directory.admit(other, 'dht'), 'conflict')
    const entry = directory.get(f.peerId)
    assertBytes(entry?.envelope, first.envelope)
    assert.equal(entry?.source, 'gossip')
    assertBytes(await datastore.get(storedKey(f.peerId)), first.envelope)
  })

  it('keeps one advert per farmer', async () => {
    const directory = new Directory(new MemoryDatastore(), () => NOW)
    const farmers = await Promise.all([farmer(), farmer(), farmer()])
    for (const f of farmers) assert.equal(await directory.admit(await signed(f), 'gossip'), 'accepted')
    assert.equal(directory.size, 3)
    assert.deepEqual(ids(directory.query({})).sort(), farmers.map(f => f.peerId).sort())
  })
})

describe('Directory.query', async () => {
  // five farmers, each different in one way
  const [a, b, c, d, e] = await Promise.all([farmer(), farmer(), farmer(), farmer(), farmer()])
  const directory = new Directory(new MemoryDatastore(), () => NOW)
  const adverts: Record<string, Partial<Advert>> = {
    a: { farm: 'ghent-1', country: 'BE', capabilities: ['container'], price: { currency: 'TFT', cuHour: 0.3, suHour: 0.05, ipv4Hour: 0 }, free: { cru: 2, mru: 4e9, sru: 100e9, hru: 0, ipv4u: 0 } },
    b: { farm: 'ghent-1', country: 'BE', capabilities: ['container', 'zdb'], price: { currency: 'TFT', cuHour: 0.1, suHour: 0.05, ipv4Hour: 0 }, free: { cru: 8, mru: 16e9, sru: 500e9, hru: 1e12, ipv4u: 1 } },
    c: { farm: 'paris-2', country: 'FR', capabilities: ['container', 'gateway'], gatewayDomain: 'gw.example.org', price: { currency: 'TFT', cuHour: 0.2, suHour: 0.01, ipv4Hour: 0 }, free: { cru: 16, mru: 64e9, sru: 1e12, hru: 4e12, ipv4u: 4 } },
    d: { farm: 'paris-2', country: 'FR', capabilities: ['zdb'], price: { currency: 'TFT', cuHour: 0.1, suHour: 0.02, ipv4Hour: 0 }, free: { cru: 8, mru: 32e9, sru: 0, hru: 4e12, ipv4u: 0 } },
    e: { farm: 'berlin', country: 'DE', capabilities: [], price: { currency: 'TFT', cuHour: 0.05, suHour: 0.5, ipv4Hour: 0 }, free: { cru: 0, mru: 0, sru: 0, hru: 0, ipv4u: 0 } }
  }
  const byName: Record<string, Farmer> = { a, b, c, d, e }
  const nameOf = new Map(Object.entries(byName).map(([name, f]) => [f.peerId, name]))
  const names = (entries: DirectoryEntry[]): string[] => entries.map(entry => nameOf.get(entry.advert.peerId) ?? '?')
  for (const [name, overrides] of Object.entries(adverts)) {
    await directory.admit(await signed(byName[name], overrides), 'gossip')
  }

  it('without a filter returns every live advert, sorted by price', () => {
    assert.deepEqual(names(directory.query({})), ['e', 'd', 'b', 'c', 'a'])
  })

  it('filters by country', () => {
    assert.deepEqual(names(directory.query({ country: 'FR' })).sort(), ['c', 'd'])
    assert.deepEqual(names(directory.query({ country: 'BE' })).sort(), ['a', 'b'])
    assert.deepEqual(names(directory.query({ country: 'NL' })), [])
  })

  it('filters by farm', () => {
    assert.deepEqual(names(directory.query({ farm: 'paris-2' })).sort(), ['c', 'd'])
    assert.deepEqual(names(directory.query({ farm: 'berlin' })), ['e'])
    assert.deepEqual(names(directory.query({ farm: 'Berlin' })), [])
  })

  it('filters by capability', () => {
    assert.deepEqual(names(directory.query({ capability: 'zdb' })).sort(), ['b', 'd'])
    assert.deepEqual(names(directory.query({ capability: 'gateway' })), ['c'])
    assert.deepEqual(names(directory.query({ capability: 'container' })).sort(), ['a', 'b', 'c'])
    assert.deepEqual(names(directory.query({ capability: 'relay' })), [])
  })

  it('filters by minimum free amount per unit (bounds included)', () => {
    assert.deepEqual(names(directory.query({ minFree: { cru: 8 } })).sort(), ['b', 'c', 'd'])
    assert.deepEqual(names(directory.query({ minFree: { cru: 8, mru: 32e9 } })).sort(), ['c', 'd'])
    assert.deepEqual(names(directory.query({ minFree: { sru: 500e9 } })).sort(), ['b', 'c'])
    assert.deepEqual(names(directory.query({ minFree: { hru: 4e12 } })).sort(), ['c', 'd'])
    assert.deepEqual(names(directory.query({ minFree: { ipv4u: 1 } })).sort(), ['b', 'c'])
    assert.deepEqual(names(directory.query({ minFree: { cru: 17 } })), [])
    assert.equal(directory.query({ minFree: {} }).length, 5)
  })

  it('filters by maximum CU-hour price (bound included)', () => {
    assert.deepEqual(names(directory.query({ maxPrice: 0.1 })).sort(), ['b', 'd', 'e'])
    assert.deepEqual(names(directory.query({ maxPrice: 0.2 })).sort(), ['b', 'c', 'd', 'e'])
    assert.deepEqual(names(directory.query({ maxPrice: 0.01 })), [])
  })

  it('combines filters', () => {
    assert.deepEqual(names(directory.query({ country: 'FR', capability: 'zdb' })), ['d'])
    assert.deepEqual(names(directory.query({ country: 'BE', maxPrice: 0.2, minFree: { cru: 1 } })), ['b'])
    assert.deepEqual(names(directory.query({ farm: 'ghent-1', capability: 'gateway' })), [])
  })

  it('sorts by price: CU-hour, then SU-hour, then peer id', () => {
    // b and d both cost 0.1 per CU-hour; d is cheaper per SU-hour
    assert.deepEqual(names(directory.query({ sort: 'price' })), ['e', 'd', 'b', 'c', 'a'])
  })

  it('sorts by free capacity: most free cores first, then memory', () => {
    // b and d both have 8 cores free; d has more memory free
    assert.deepEqual(names(directory.query({ sort: 'free' })), ['c', 'd', 'b', 'a', 'e'])
  })

  it('limits the number of results, after sorting', () => {
    assert.deepEqual(names(directory.query({ sort: 'price', limit: 2 })), ['e', 'd'])
    assert.deepEqual(names(directory.query({ sort: 'free', limit: 1 })), ['c'])
    assert.deepEqual(names(directory.query({ limit: 0 })), [])
  })
})

describe('Directory default limit', () => {
  it(`returns at most ${DEFAULT_FIND_LIMIT} adverts when no limit is given`, async () => {
    const directory = new Directory(new MemoryDatastore(), () => NOW)
    const farmers = await Promise.all(Array.from({ length: DEFAULT_FIND_LIMIT + 3 }, async () => farmer()))
    for (const [i, f] of farmers.entries()) {
      await directory.admit(await signed(f, { price: { currency: 'TFT', cuHour: i / 100, suHour: 0, ipv4Hour: 0 } }), 'gossip')
    }
    const found = directory.query({})
    assert.equal(found.length, DEFAULT_FIND_LIMIT)
    assert.deepEqual(ids(found), farmers.slice(0, DEFAULT_FIND_LIMIT).map(f => f.peerId))
    assert.equal(directory.query({ limit: 100 }).length, DEFAULT_FIND_LIMIT + 3)
  })
})

describe('Directory expiry', () => {
  it('an expired advert is not returned, and evictExpired removes it from memory and disk', async () => {
    const datastore = new MemoryDatastore()
    const time = clock()
    const directory = new Directory(datastore, time.now)
    const [short, long] = await Promise.all([farmer(), farmer()])
    await directory.admit(await signed(short, { expiresAt: NOW + MINUTE }), 'gossip')
    await directory.admit(await signed(long, { expiresAt: NOW + 30 * MINUTE }), 'gossip')
    assert.equal(directory.query({}).length, 2)

    time.set(NOW + MINUTE - 1)
    assert.deepEqual(ids(directory.query({})).sort(), [short.peerId, long.peerId].sort())
    assert.deepEqual(await directory.evictExpired(), [])

    time.set(NOW + MINUTE) // expires_at is the first instant it is no longer valid
    assert.deepEqual(ids(directory.query({})), [long.peerId])
    assert.equal(directory.get(short.peerId), undefined)
    assert.ok(directory.get(long.peerId) != null)
    assert.deepEqual(await storedPeers(datastore), [short.peerId, long.peerId].sort())

    assert.deepEqual(await directory.evictExpired(), [short.peerId])
    assert.equal(directory.size, 1)
    assert.deepEqual(await storedPeers(datastore), [long.peerId])
    assert.deepEqual(await directory.evictExpired(), [])
  })

  it('after eviction the farmer can come back with a new advert', async () => {
    const time = clock()
    const directory = new Directory(new MemoryDatastore(), time.now)
    const f = await farmer()
    await directory.admit(await signed(f, { expiresAt: NOW + MINUTE }), 'gossip')
    time.set(NOW + 2 * MINUTE)
    await directory.evictExpired()
    const back = await signed(f, { seq: NOW + 2 * MINUTE, issuedAt: NOW + 2 * MINUTE, expiresAt: NOW + 12 * MINUTE }, time.now())
    assert.equal(await directory.admit(back, 'gossip'), 'accepted')
    assert.deepEqual(ids(directory.query({})), [f.peerId])
  })
})

describe('Directory replay protection after eviction', () => {
  it('a replay of an older, still valid advert after the newer one expired and was evicted is stale', async () => {
    const time = clock()
    const directory = new Directory(new MemoryDatastore(), time.now)
    const f = await farmer()
    // seq 1 lives an hour; seq 2 (say, after the farmer lowered its TTL) lives a minute
    const older = await signed(f, { seq: NOW, expiresAt: NOW + 60 * MINUTE })
    const newer = await signed(f, { seq: NOW + 1, expiresAt: NOW + MINUTE })
    assert.equal(await directory.admit(older, 'gossip'), 'accepted')
    assert.equal(await directory.admit(newer, 'gossip'), 'accepted')
    time.set(NOW + 2 * MINUTE)
    assert.equal(await directory.admit(older, 'gossip'), 'stale') // still remembered: fine
    await directory.evictExpired()
    assert.equal(await directory.admit(older, 'gossip'), 'stale')
  })
})

describe('Directory persistence', () => {
  const dirs: string[] = []
  after(async () => {
    await Promise.all(dirs.map(async dir => rm(dir, { recursive: true, force: true })))
  })

  it('a new Directory on the same datastore loads the valid adverts and drops (and deletes) expired and corrupt ones', async () => {
    const datastore = new MemoryDatastore()
    const first = new Directory(datastore, () => NOW)
    const [keep, gone] = await Promise.all([farmer(), farmer()])
    const kept = await signed(keep, { seq: NOW + 5, expiresAt: NOW + 60 * MINUTE })
    await first.admit(kept, 'gossip')
    await first.admit(await signed(gone, { expiresAt: NOW + MINUTE }), 'dht')
    await datastore.put(new Key('/p2pcloud/directory/corrupt'), new TextEncoder().encode('not an advert'))

    const later = NOW + MINUTE + SKEW // `gone` is expired even allowing for clock skew
    const second = new Directory(datastore, () => later)
    await second.load()
    assert.equal(second.size, 1)
    const entry = second.get(keep.peerId)
    assert.ok(entry != null)
    assert.equal(entry.source, 'stored')
    assertBytes(entry.envelope, kept.envelope)
    assert.deepEqual(entry.advert, kept.advert)
    assert.equal(second.get(gone.peerId), undefined)
    assert.deepEqual(await storedPeers(datastore), [keep.peerId])

    // what was loaded still guards against replays and conflicts
    assert.equal(await second.admit(await signed(keep, { seq: NOW + 4 }, NOW), 'gossip'), 'stale')
    assert.equal(await second.admit(kept, 'gossip'), 'duplicate')
    assert.equal(await second.admit(await signed(keep, { seq: NOW + 5, city: 'Gent' }, NOW), 'gossip'), 'conflict')
  })

  it('survives closing and reopening a LevelDatastore', async () => {
    const dir = await tempDir('directory')
    dirs.push(dir)
    const path = join(dir, 'datastore')
    const [x, y, z] = await Promise.all([farmer(), farmer(), farmer()])
    const adverts = {
      x: await signed(x, { expiresAt: NOW + 30 * MINUTE }),
      y: await signed(y, { expiresAt: NOW + 30 * MINUTE, country: 'NL' }),
      z: await signed(z, { expiresAt: NOW + MINUTE })
    }
    {
      const datastore = new LevelDatastore(path)
      await datastore.open()
      const directory = new Directory(datastore, () => NOW)
      for (const advert of Object.values(adverts)) assert.equal(await directory.admit(advert, 'gossip'), 'accepted')
      await datastore.close()
    }
    const later = NOW + 10 * MINUTE
    {
      const datastore = new LevelDatastore(path)
      await datastore.open()
      const directory = new Directory(datastore, () => later)
      await directory.load()
      assert.deepEqual(ids(directory.query({})).sort(), [x.peerId, y.peerId].sort())
      assert.deepEqual(ids(directory.query({ country: 'NL' })), [y.peerId])
      assertBytes(directory.get(y.peerId)?.envelope, adverts.y.envelope)
      assert.deepEqual(await storedPeers(datastore), [x.peerId, y.peerId].sort())
      await datastore.close()
    }
    {
      const datastore = new LevelDatastore(path)
      await datastore.open()
      assert.deepEqual(await storedPeers(datastore), [x.peerId, y.peerId].sort())
      await datastore.close()
    }
  })
})

describe('Directory bound', () => {
  const price = (cuHour: number): Partial<Advert> => ({ price: { currency: 'TFT', cuHour, suHour: 0, ipv4Hour: 0 } })

  it('holds at most maxFarmers: a new farmer evicts the least recently seen of those that never answered, from memory and disk', async () => {
    const datastore = new MemoryDatastore()
    const directory = new Directory(datastore, () => NOW, { maxFarmers: 3 })
    const [a, b, c, d, e] = await Promise.all([farmer(), farmer(), farmer(), farmer(), farmer()])
    for (const f of [a, b, c]) assert.equal(await directory.admit(await signed(f), 'gossip'), 'accepted')
    await directory.markAnswered(a.peerId)
    // b is seen again: c is now the least recently seen
    assert.equal(await directory.admit(await signed(b, { seq: NOW + 1 }), 'gossip'), 'accepted')
    assert.equal(await directory.admit(await signed(d), 'gossip'), 'accepted')
    assert.deepEqual(await storedPeers(datastore), [a.peerId, b.peerId, d.peerId].sort())
    assert.equal(await directory.admit(await signed(e), 'gossip'), 'accepted')
    assert.equal(directory.size, 3)
    assert.deepEqual(ids(directory.query({})).sort(), [a.peerId, d.peerId, e.peerId].sort())
    assert.deepEqual(await storedPeers(datastore), [a.peerId, d.peerId, e.peerId].sort())
    assert.equal(directory.get(a.peerId)?.answered, true, 'the farmer that answered stays')
  })

  it('admissions running together stay within the bound, in memory and on a level datastore', async () => {
    const dir = await tempDir('directory-bound')
    const datastore = new LevelDatastore(join(dir, 'datastore'))
    await datastore.open()
    try {
      const directory = new Directory(datastore, () => NOW, { maxFarmers: 10 })
      const farmers = await Promise.all(Array.from({ length: 60 }, async () => farmer()))
      const adverts = await Promise.all(farmers.map(async f => signed(f)))
      const admissions = await Promise.all(adverts.map(async advert => directory.admit(advert, 'gossip')))
      assert.ok(admissions.every(admission => admission === 'accepted'))
      assert.equal(directory.size, 10)
      assert.deepEqual(await storedPeers(datastore), ids(directory.query({ limit: 100 })).sort())
    } finally {
      await datastore.close()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses a new farmer when every farmer held has answered us', async () => {
    const directory = new Directory(new MemoryDatastore(), () => NOW, { maxFarmers: 2 })
    const [a, b, c] = await Promise.all([farmer(), farmer(), farmer()])
    assert.equal(await directory.admit(await signed(a), 'direct'), 'accepted')
    assert.equal(await directory.admit(await signed(b), 'self'), 'accepted')
    assert.equal(await directory.admit(await signed(c), 'gossip'), 'full')
    assert.deepEqual(ids(directory.query({})).sort(), [a.peerId, b.peerId].sort())
    // a farmer already held still refreshes
    assert.equal(await directory.admit(await signed(a, { seq: NOW + 1 }), 'gossip'), 'accepted')
  })

  it('ranks farmers that answered first, whatever their price, and keeps the mark across a restart', async () => {
    const datastore = new MemoryDatastore()
    const first = new Directory(datastore, () => NOW)
    const [real, sybil, other] = await Promise.all([farmer(), farmer(), farmer()])
    await first.admit(await signed(sybil, price(0)), 'gossip')
    await first.admit(await signed(real, price(0.3)), 'gossip')
    await first.admit(await signed(other, price(0.1)), 'gossip')
    assert.equal(first.get(real.peerId)?.answered, false)
    await first.markAnswered(real.peerId)
    assert.deepEqual(ids(first.query({})), [real.peerId, sybil.peerId, other.peerId])
    assert.deepEqual(ids(first.query({ sort: 'free', limit: 1 })), [real.peerId])

    const second = new Directory(datastore, () => NOW)
    await second.load()
    assert.equal(second.get(real.peerId)?.answered, true)
    assert.deepEqual(ids(second.query({})), [real.peerId, sybil.peerId, other.peerId])

    // restarted with a smaller bound: the farmer that answered is kept
    const third = new Directory(datastore, () => NOW, { maxFarmers: 2 })
    await third.load()
    assert.equal(third.size, 2)
    assert.equal(third.get(real.peerId)?.answered, true)
    assert.equal((await storedPeers(datastore)).length, 2)
  })

  it('an expired farmer takes its answered mark with it', async () => {
    const datastore = new MemoryDatastore()
    const time = clock()
    const directory = new Directory(datastore, time.now)
    const f = await farmer()
    await directory.admit(await signed(f, { expiresAt: NOW + MINUTE }), 'direct')
    assert.equal(directory.get(f.peerId)?.answered, true)
    time.set(NOW + 2 * MINUTE)
    assert.deepEqual(await directory.evictExpired(), [f.peerId])
    const marks: string[] = []
    for await (const key of datastore.queryKeys({ prefix: '/p2pcloud/directory-answered/' })) marks.push(key.toString())
    assert.deepEqual(marks, [])
  })
})
