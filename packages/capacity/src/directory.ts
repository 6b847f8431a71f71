import { Key, type Datastore } from 'interface-datastore'
import { logger } from '@libp2p/logger'
import { equals } from 'uint8arrays/equals'
import { ADVERT_MAX_LIFETIME_MS, CLOCK_SKEW_MS } from '@p2pcloud/wire'
import { readStoredAdvert, type Advert, type VerifiedAdvert } from './advert.js'
import { RankedList } from './ranked-list.js'
import { RESOURCE_UNITS, type Resources } from './resources.js'

const log = logger('p2pcloud:capacity:directory')
const PREFIX = '/p2pcloud/directory'
/** After an advert is evicted its seq is remembered this long, so a replay of an older, still unexpired advert is stale. */
const TOMBSTONE_PREFIX = '/p2pcloud/directory-evicted'
const TOMBSTONE_MS = ADVERT_MAX_LIFETIME_MS + CLOCK_SKEW_MS
/** Farmers that answered us themselves (see DirectoryEntry.answered); the key's presence is the mark. */
const ANSWERED_PREFIX = '/p2pcloud/directory-answered'

/** Most farmers a directory holds, in memory and on disk (protocols/capacity.md §7). */
export const DEFAULT_MAX_FARMERS = 10_000

interface Tombstone {
  seq: number
  until: number
}

/** How an advert reached us: gossip, a DHT lookup, a direct capacity request, our own, or our disk at start. */
export type AdvertSource = 'gossip' | 'dht' | 'direct' | 'self' | 'stored'

export interface DirectoryEntry extends VerifiedAdvert {
  source: AdvertSource
  receivedAt: number
  /**
   * The farmer proved it is a live peer by answering us itself (a capacity
   * request or a signed contract), not just a key that signed an advert.
   * Answered farmers rank first in `find` and are never evicted to make room.
   */
  answered: boolean
}

/** What the directory made of an advert offered to it; `full`: a new farmer, and every farmer held has answered us. */
export type Admission = 'accepted' | 'duplicate' | 'stale' | 'conflict' | 'full'

export interface DirectoryLimits {
  /** Most farmers held (default DEFAULT_MAX_FARMERS). */
  maxFarmers?: number
}

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

function compareAdverts (sort: FindFilter['sort']): (a: Advert, b: Advert) => number {
  if (sort === 'free') {
    return (a, b) => (b.free.cru - a.free.cru) || (b.free.mru - a.free.mru) || (b.free.sru + b.free.hru - a.free.sru - a.free.hru) || a.peerId.localeCompare(b.peerId)
  }
  return (a, b) => (a.price.cuHour - b.price.cuHour) || (a.price.suHour - b.price.suHour) || a.peerId.localeCompare(b.peerId)
}

/** Farmers that answered us first, so adverts from bare keys (price 0 or not) cannot push them out of the top. */
function rank (sort: FindFilter['sort']): (a: DirectoryEntry, b: DirectoryEntry) => number {
  const byAdvert = compareAdverts(sort)
  return (a, b) => Number(b.answered) - Number(a.answered) || byAdvert(a.advert, b.advert)
}

/**
 * Every peer's index of verified adverts, one per farmer (the highest seq
 * seen), kept in memory for queries and in the datastore so a restart does not
 * start from nothing. Expired adverts are never returned and are evicted. At
 * most `maxFarmers` are held: a new farmer takes the place of the farmer seen
 * least recently among those that never answered us.
 */
export class Directory {
  private readonly entries = new Map<string, DirectoryEntry>()
  /** Farmers that never answered us, least recently seen first: the ones evicted to make room. */
  private readonly unanswered = new Map<string, DirectoryEntry>()
  private readonly byPrice = new RankedList(rank('price'))
  private readonly byFree = new RankedList(rank('free'))
  private readonly tombstones = new Map<string, Tombstone>()
  /** Disk writes, one after the other in the order of the memory changes they follow (see `write`). */
  private writes: Promise<void> = Promise.resolve()
  readonly maxFarmers: number

  constructor (private readonly datastore: Datastore, private readonly now: () => number = Date.now, limits: DirectoryLimits = {}) {
    this.maxFarmers = limits.maxFarmers ?? DEFAULT_MAX_FARMERS
  }

  /**
   * Load what was stored; anything no longer valid (expired, corrupt) is dropped
   * from disk too. Signatures were checked before the adverts were stored and
   * are not checked again. Beyond `maxFarmers`, the oldest unanswered go.
   */
  async load (): Promise<void> {
    for await (const { key, value } of this.datastore.query({ prefix: TOMBSTONE_PREFIX + '/' })) {
      const tombstone: Tombstone = JSON.parse(new TextDecoder().decode(value))
      if (tombstone.until > this.now()) this.tombstones.set(key.baseNamespace(), tombstone)
      else await this.datastore.delete(key)
    }
    const answered = new Set<string>()
    for await (const key of this.datastore.queryKeys({ prefix: ANSWERED_PREFIX + '/' })) answered.add(key.baseNamespace())
    const stored: DirectoryEntry[] = []
    for await (const { key, value } of this.datastore.query({ prefix: PREFIX + '/' })) {
      try {
        const verified = await readStoredAdvert(value, this.now())
        stored.push({ ...verified, source: 'stored', receivedAt: this.now(), answered: answered.delete(verified.advert.peerId) })
      } catch (err: any) {
        log('dropping stored advert %s - %s', key.toString(), err.message)
        await this.forget(key.baseNamespace())
        if (err.problem === 'EXPIRED') await readStoredAdvert(value, 'any-time').then(async old => { await this.remember(old) }, () => {})
      }
    }
    // marks whose advert is gone
    for (const peerId of answered) await this.datastore.delete(new Key(`${ANSWERED_PREFIX}/${peerId}`))
    // placed oldest first and answered last, so that trimming to the bound drops the oldest unanswered
    stored.sort((a, b) => Number(a.answered) - Number(b.answered) || a.advert.issuedAt - b.advert.issuedAt)
    for (const entry of stored) {
      const { room, evicted } = this.makeRoom()
      if (room) this.place(entry)
      await this.forget(room ? evicted : entry.advert.peerId)
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
   * contradicting itself, and the first one stays. A farmer's own answer
   * (`direct`) and our own advert (`self`) count as answered. A newer leaving
   * advert is accepted and removes the farmer (protocols/capacity.md §4.8).
   */
  async admit (verified: VerifiedAdvert, source: AdvertSource): Promise<Admission> {
    const { peerId, seq } = verified.advert
    const current = this.entries.get(peerId)
    const tombstone = this.tombstones.get(peerId)
    const leaving = verified.advert.leaving === true
    if (current == null && tombstone != null && tombstone.until > this.now() && seq <= tombstone.seq) {
      // the farmer's leaving advert again (from another gossip peer, or its DHT record)
      return leaving && seq === tombstone.seq ? 'duplicate' : 'stale'
    }
    if (current != null) {
      if (seq < current.advert.seq) return 'stale'
      if (seq === current.advert.seq) return equals(current.envelope, verified.envelope) ? 'duplicate' : 'conflict'
    }
    if (leaving) {
      await this.leave(verified, current)
      return 'accepted'
    }
    const answered = current?.answered === true || source === 'direct' || source === 'self'
    const entry: DirectoryEntry = { ...verified, source, receivedAt: this.now(), answered }
    const { room, evicted } = current != null ? { room: true } : this.makeRoom()
    if (!room) return 'full'
    if (current != null) this.unplace(current)
    this.place(entry)
    const hadTombstone = this.tombstones.delete(peerId)
    await this.write(async () => {
      await this.forget(evicted)
      await this.datastore.put(new Key(`${PREFIX}/${peerId}`), verified.envelope)
      if (answered && current?.answered !== true) await this.datastore.put(new Key(`${ANSWERED_PREFIX}/${peerId}`), new Uint8Array())
      if (hadTombstone) await this.datastore.delete(new Key(`${TOMBSTONE_PREFIX}/${peerId}`))
    })
    return 'accepted'
  }

  /**
   * A farmer that stops cleanly: forget it now, and keep its leaving seq as a tombstone, so its
   * older adverts stay stale until it comes back with a newer one.
   */
  private async leave (verified: VerifiedAdvert, current: DirectoryEntry | undefined): Promise<void> {
    if (current != null) this.unplace(current)
    log('%s is leaving (seq %d)', verified.advert.peerId, verified.advert.seq)
    await this.write(async () => {
      await this.remember(verified)
      await this.forget(verified.advert.peerId)
    })
  }

  /**
   * The farmer answered us itself (a capacity request, a signed contract): it
   * ranks first from now on and is kept when room is needed. Persisted with the entry.
   */
  async markAnswered (peerId: string): Promise<void> {
    const current = this.entries.get(peerId)
    if (current == null || current.answered) return
    this.unplace(current)
    this.place({ ...current, answered: true })
    await this.write(async () => { await this.datastore.put(new Key(`${ANSWERED_PREFIX}/${peerId}`), new Uint8Array()) })
  }

  /** Remove adverts past their expiry (a farmer that stopped speaking is gone), remembering their seq. */
  async evictExpired (): Promise<string[]> {
    const now = this.now()
    const gone = [...this.entries.values()].filter(entry => entry.advert.expiresAt <= now)
    for (const entry of gone) {
      this.unplace(entry)
      await this.write(async () => {
        await this.remember(entry)
        await this.forget(entry.advert.peerId)
      })
    }
    for (const [peerId, tombstone] of this.tombstones) {
      if (tombstone.until <= now) {
        this.tombstones.delete(peerId)
        await this.datastore.delete(new Key(`${TOMBSTONE_PREFIX}/${peerId}`))
      }
    }
    return gone.map(entry => entry.advert.peerId)
  }

  /**
   * Make room for a new farmer: when full, evict the farmer seen least
   * recently among those that never answered us. Done in memory at once, so
   * admissions running together cannot overshoot; `evicted` is still on disk.
   * No room when every farmer held has answered: they are not given up for one that has not.
   */
  private makeRoom (): { room: boolean, evicted?: string } {
    if (this.entries.size < this.maxFarmers) return { room: true }
    const oldest = this.unanswered.values().next().value
    if (oldest == null) return { room: false }
    this.unplace(oldest)
    log('directory full (%d farmers): evicted %s, seen least recently of those that never answered', this.maxFarmers, oldest.advert.peerId)
    return { room: true, evicted: oldest.advert.peerId }
  }

  private place (entry: DirectoryEntry): void {
    this.entries.set(entry.advert.peerId, entry)
    if (!entry.answered) this.unanswered.set(entry.advert.peerId, entry)
    this.byPrice.insert(entry)
    this.byFree.insert(entry)
  }

  private unplace (entry: DirectoryEntry): void {
    this.entries.delete(entry.advert.peerId)
    this.unanswered.delete(entry.advert.peerId)
    this.byPrice.remove(entry)
    this.byFree.remove(entry)
  }

  /**
   * Run `change` once the disk writes before it are done. Memory changes are
   * made at once and their disk writes queued in the same order, so a farmer
   * evicted by one admission while another is still writing it cannot be
   * written back after its deletion, and the disk keeps to the bound too.
   */
  private async write (change: () => Promise<void>): Promise<void> {
    const done = this.writes.then(change)
    this.writes = done.catch(() => {})
    await done
  }

  /** Delete a farmer's advert and answered mark from disk. */
  private async forget (peerId: string | undefined): Promise<void> {
    if (peerId == null) return
    await this.datastore.delete(new Key(`${PREFIX}/${peerId}`))
    await this.datastore.delete(new Key(`${ANSWERED_PREFIX}/${peerId}`))
  }

  /**
   * Keep the seq of an advert that leaves the directory, so its older siblings
   * stay stale. At most `maxFarmers` are kept, the oldest going first.
   */
  private async remember ({ advert }: VerifiedAdvert): Promise<void> {
    const known = this.tombstones.get(advert.peerId)
    if (known != null && known.seq >= advert.seq) return
    if (known == null && this.tombstones.size >= this.maxFarmers) {
      const [oldest] = this.tombstones.keys()
      this.tombstones.delete(oldest)
      await this.datastore.delete(new Key(`${TOMBSTONE_PREFIX}/${oldest}`))
    }
    const tombstone = { seq: advert.seq, until: this.now() + TOMBSTONE_MS }
    this.tombstones.set(advert.peerId, tombstone)
    await this.datastore.put(new Key(`${TOMBSTONE_PREFIX}/${advert.peerId}`), new TextEncoder().encode(JSON.stringify(tombstone)))
  }

  /** The live adverts matching `filter`, best ranked first, at most `limit`: a walk of the ranking that stops once full. */
  query (filter: FindFilter): DirectoryEntry[] {
    const now = this.now()
    const limit = filter.limit ?? DEFAULT_FIND_LIMIT
    const found: DirectoryEntry[] = []
    for (const entry of filter.sort === 'free' ? this.byFree : this.byPrice) {
      if (found.length >= limit) break
      if (entry.advert.expiresAt > now && matches(entry.advert, filter)) found.push(entry)
    }
    return found
  }
}
