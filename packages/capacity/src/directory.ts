import { Key, type Datastore } from 'interface-datastore'
import { logger } from '@libp2p/logger'
import { equals } from 'uint8arrays/equals'
import { ADVERT_MAX_LIFETIME_MS, CLOCK_SKEW_MS } from '@p2pcloud/wire'
import { verifyAdvert, type Advert, type VerifiedAdvert } from './advert.js'
import { RESOURCE_UNITS, type Resources } from './resources.js'

const log = logger('p2pcloud:capacity:directory')
const PREFIX = '/p2pcloud/directory'
/** After an advert is evicted its seq is remembered this long, so a replay of an older, still unexpired advert is stale. */
const TOMBSTONE_PREFIX = '/p2pcloud/directory-evicted'
const TOMBSTONE_MS = ADVERT_MAX_LIFETIME_MS + CLOCK_SKEW_MS

interface Tombstone {
  seq: number
  until: number
}

/** How an advert reached us: gossip, a DHT lookup, a direct capacity request, our own, or our disk at start. */
export type AdvertSource = 'gossip' | 'dht' | 'direct' | 'self' | 'stored'

export interface DirectoryEntry extends VerifiedAdvert {
  source: AdvertSource
  receivedAt: number
}

/** What the directory made of an advert offered to it. */
export type Admission = 'accepted' | 'duplicate' | 'stale' | 'conflict'

export interface FindFilter {
  country?: string
  farm?: string
  capability?: string
  /** Minimum free amount per unit. */
  minFree?: Partial<Resources>
  /** Maximum price of one CU-hour, in the farmer's currency. */
  maxPrice?: number
  sort?: 'price' | 'free'
  limit?: number
}

export const DEFAULT_FIND_LIMIT = 20

export function matches (advert: Advert, filter: FindFilter): boolean {
  if (filter.country != null && advert.country !== filter.country) return false
  if (filter.farm != null && advert.farm !== filter.farm) return false
  if (filter.capability != null && !advert.capabilities.includes(filter.capability)) return false
  if (filter.maxPrice != null && advert.price.cuHour > filter.maxPrice) return false
  const minFree = filter.minFree ?? {}
  return RESOURCE_UNITS.every(unit => advert.free[unit] >= (minFree[unit] ?? 0))
}

function compare (sort: FindFilter['sort']): (a: Advert, b: Advert) => number {
  if (sort === 'free') {
    return (a, b) => (b.free.cru - a.free.cru) || (b.free.mru - a.free.mru) || (b.free.sru + b.free.hru - a.free.sru - a.free.hru) || a.peerId.localeCompare(b.peerId)
  }
  return (a, b) => (a.price.cuHour - b.price.cuHour) || (a.price.suHour - b.price.suHour) || a.peerId.localeCompare(b.peerId)
}

/**
 * Every peer's index of verified adverts, one per farmer (the highest seq
 * seen), kept in memory for queries and in the datastore so a restart does not
 * start from nothing. Expired adverts are never returned and are evicted.
 */
export class Directory {
  private readonly entries = new Map<string, DirectoryEntry>()
  private readonly tombstones = new Map<string, Tombstone>()

  constructor (private readonly datastore: Datastore, private readonly now: () => number = Date.now) {}

  /** Load what was stored; anything no longer valid (expired, corrupt) is dropped from disk too. */
  async load (): Promise<void> {
    for await (const { key, value } of this.datastore.query({ prefix: TOMBSTONE_PREFIX + '/' })) {
      const tombstone: Tombstone = JSON.parse(new TextDecoder().decode(value))
      if (tombstone.until > this.now()) this.tombstones.set(key.baseNamespace(), tombstone)
      else await this.datastore.delete(key)
    }
    for await (const { key, value } of this.datastore.query({ prefix: PREFIX + '/' })) {
      try {
        const verified = await verifyAdvert(value, this.now())
        this.entries.set(verified.advert.peerId, { ...verified, source: 'stored', receivedAt: this.now() })
      } catch (err: any) {
        log('dropping stored advert %s - %s', key.toString(), err.message)
        await this.datastore.delete(key)
        if (err.problem === 'EXPIRED') await verifyAdvert(value, 'any-time').then(async old => { await this.remember(old) }, () => {})
      }
    }
    await this.evictExpired()
  }

  get (peerId: string): DirectoryEntry | undefined {
    const entry = this.entries.get(peerId)
    return entry != null && entry.advert.expiresAt > this.now() ? entry : undefined
  }

  get size (): number {
    return this.entries.size
  }

  /**
   * Take a verified advert if it is newer than what we hold. Equal seq with
   * the same bytes is a duplicate; equal seq with other bytes is a farmer
   * contradicting itself, and the first one stays.
   */
  async admit (verified: VerifiedAdvert, source: AdvertSource): Promise<Admission> {
    const { peerId, seq } = verified.advert
    const current = this.entries.get(peerId)
    const evicted = this.tombstones.get(peerId)
    if (current == null && evicted != null && evicted.until > this.now() && seq <= evicted.seq) return 'stale'
    if (current != null) {
      if (seq < current.advert.seq) return 'stale'
      if (seq === current.advert.seq) return equals(current.envelope, verified.envelope) ? 'duplicate' : 'conflict'
    }
    const entry = { ...verified, source, receivedAt: this.now() }
    this.entries.set(peerId, entry)
    await this.datastore.put(new Key(`${PREFIX}/${peerId}`), verified.envelope)
    if (this.tombstones.delete(peerId)) await this.datastore.delete(new Key(`${TOMBSTONE_PREFIX}/${peerId}`))
    return 'accepted'
  }

  /** Remove adverts past their expiry (a farmer that stopped speaking is gone), remembering their seq. */
  async evictExpired (): Promise<string[]> {
    const now = this.now()
    const gone = [...this.entries.values()].filter(entry => entry.advert.expiresAt <= now)
    for (const entry of gone) {
      this.entries.delete(entry.advert.peerId)
      await this.remember(entry)
      await this.datastore.delete(new Key(`${PREFIX}/${entry.advert.peerId}`))
    }
    for (const [peerId, tombstone] of this.tombstones) {
      if (tombstone.until <= now) {
        this.tombstones.delete(peerId)
        await this.datastore.delete(new Key(`${TOMBSTONE_PREFIX}/${peerId}`))
      }
    }
    return gone.map(entry => entry.advert.peerId)
  }

  /** Keep the seq of an advert that leaves the directory, so its older siblings stay stale. */
  private async remember ({ advert }: VerifiedAdvert): Promise<void> {
    const known = this.tombstones.get(advert.peerId)
    if (known != null && known.seq >= advert.seq) return
    const tombstone = { seq: advert.seq, until: this.now() + TOMBSTONE_MS }
    this.tombstones.set(advert.peerId, tombstone)
    await this.datastore.put(new Key(`${TOMBSTONE_PREFIX}/${advert.peerId}`), new TextEncoder().encode(JSON.stringify(tombstone)))
  }

  /** The live adverts matching `filter`, sorted and limited. */
  query (filter: FindFilter): DirectoryEntry[] {
    const now = this.now()
    const byAdvert = compare(filter.sort)
    return [...this.entries.values()]
      .filter(entry => entry.advert.expiresAt > now && matches(entry.advert, filter))
      .sort((a, b) => byAdvert(a.advert, b.advert))
      .slice(0, filter.limit ?? DEFAULT_FIND_LIMIT)
  }
}
