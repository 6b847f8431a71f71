import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { LevelDatastore } from 'datastore-level'
import { Directory, signAdvert, verifyAdvert, type Advert, type FindFilter } from '@p2pcloud/capacity'
import { peerIdFromBytes } from '@p2pcloud/wire'
import { collector } from './collector.js'
import type { Benchmark, Measurement } from './results.js'

/** Fresh identities flooded into one directory: twice the default bound, then as many again (the Sybil flood of issue #12 was 36,000). */
const FLOOD = 20_000
const MORE = 20_000
/** Directory sizes whose `find` times are compared. */
const SMALL = 100
const LARGE = 10_000
/** Each query of QUERIES is run this many times per size. */
const FIND_ROUNDS = 50
const QUERIES: FindFilter[] = [
  {},
  { country: 'BE' },
  { maxPrice: 0.05, limit: 5 },
  { sort: 'free', minFree: { cru: 4 } },
  { capability: 'container', country: 'DE', limit: 3 }
]
const COUNTRIES = ['BE', 'DE', 'FR', 'NL', 'US', 'JP']
const MiB = 2 ** 20
const GiB = 2 ** 30


async function settledMemory (gc: () => void): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return process.memoryUsage()
}

/** A valid advert of a fresh key, as a Sybil signs it: random prices (many at 0), countries and free capacity. */
async function sybilAdvert (i: number, now: number): Promise<Uint8Array> {
  const key = await generateKeyPair('Ed25519')
  const cru = 1 + (i % 16)
  const advert: Advert = {
    peerId: peerIdFromBytes(key.publicKey.toMultihash().bytes),
    farm: `sybil-${i}`,
    country: COUNTRIES[i % COUNTRIES.length],
    city: 'Nowhere',
    total: { cru: 16, mru: 64 * GiB, sru: 1000 * GiB, hru: 0, ipv4u: 1 },
    free: { cru, mru: cru * 4 * GiB, sru: 500 * GiB, hru: 0, ipv4u: 1 },
    capabilities: i % 2 === 0 ? ['container'] : ['container', 'zdb'],
    gatewayDomain: '',
    price: { currency: 'TFT', cuHour: i % 3 === 0 ? 0 : (i % 100) / 1000, suHour: 0.05, ipv4Hour: 0.02 },
    addresses: ['/ip4/203.0.113.7/tcp/4001'],
    version: 'p2pcloud/0.1.0',
    seq: now,
    issuedAt: now,
    expiresAt: now + 50 * 60_000
  }
  return signAdvert(advert, key)
}

/** Mean time of one `query` over FIND_ROUNDS rounds of QUERIES. */
function findTimeMs (directory: Directory): number {
  const start = performance.now()
  for (let round = 0; round < FIND_ROUNDS; round++) {
    for (const filter of QUERIES) directory.query(filter)
  }
  return (performance.now() - start) / (FIND_ROUNDS * QUERIES.length)
}

async function flood (directory: Directory, envelopes: Uint8Array[], from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    // a copy, so the directory holds bytes of its own as it would from the network
    await directory.admit(await verifyAdvert(envelopes[i].slice()), 'gossip')
  }
}

/**
 * A flood of valid adverts from fresh keys into one directory backed by a
 * real level datastore: memory added per 10,000 adverts over the first
 * 20,000 and over 20,000 more, `find` at 100 and at 10,000 entries, and the
 * restart (`load`) with what the flood left stored.
 */
async function run (): Promise<Measurement> {
  const gc = collector()
  const now = Date.now()
  const envelopes: Uint8Array[] = []
  for (let i = 0; i < FLOOD + MORE; i++) envelopes.push(await sybilAdvert(i, now))
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-directory-'))
  try {
    let datastore = new LevelDatastore(join(dir, 'datastore'))
    await datastore.open()
    const directory = new Directory(datastore)
    await directory.load()
    const before = await settledMemory(gc)

    await flood(directory, envelopes, 0, SMALL)
    const findSmallMs = findTimeMs(directory)
    await flood(directory, envelopes, SMALL, LARGE)
    const findLargeMs = findTimeMs(directory)
    await flood(directory, envelopes, LARGE, FLOOD)
    const floodFindMs = findTimeMs(directory)
    const after = await settledMemory(gc)
    // a full directory (after the fix) should not grow any more; RSS also holds what V8 and level keep from the first flood
    await flood(directory, envelopes, FLOOD, FLOOD + MORE)
    const afterMore = await settledMemory(gc)
    const held = directory.size

    await datastore.close()
    datastore = new LevelDatastore(join(dir, 'datastore'))
    await datastore.open()
    let stored = 0
    for await (const _ of datastore.queryKeys({ prefix: '/p2pcloud/directory/' })) stored++
    const restarted = new Directory(datastore)
    const loadStart = performance.now()
    await restarted.load()
    const restartMs = performance.now() - loadStart
    await datastore.close()

    const per10k = 10_000 / FLOOD
    const per10kMore = 10_000 / MORE
    return {
      metric: `directory flood: mean find time at ${LARGE} entries, ${FLOOD + MORE} fresh-key adverts admitted one by one into a level-backed directory`,
      value: findLargeMs * 1000,
      unit: 'µs',
      baseline: `mean find time at ${SMALL} entries`,
      baselineValue: findSmallMs * 1000,
      extra: {
        adverts: FLOOD + MORE,
        entriesHeld: held,
        entriesStored: stored,
        entriesLoaded: restarted.size,
        heapMiBPer10kAdverts: (after.heapUsed - before.heapUsed) / MiB * per10k,
        rssMiBPer10kAdverts: (after.rss - before.rss) / MiB * per10k,
        heapMiBPer10kMoreAdverts: (afterMore.heapUsed - after.heapUsed) / MiB * per10kMore,
        rssMiBPer10kMoreAdverts: (afterMore.rss - after.rss) / MiB * per10kMore,
        findUsAfterFlood: floodFindMs * 1000,
        restartMs
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export const directoryFlood: Benchmark = { name: 'directory-flood', run }
