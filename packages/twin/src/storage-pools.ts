import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { ObjectStore, StorageMasterKey, zdbShardStore, type ObjectInfo, type OnProgress, type PutOptions, type RepairReport, type ShardStore } from '@p2pcloud/storage'
import { ZdbClient } from '@p2pcloud/zdb'
import { formatSize } from '@p2pcloud/node'
import { type Datastore } from 'interface-datastore'
import { SPEC_NAME, SpecError, type DeploymentSpec } from './spec.js'
import { DeploymentExistsError, FarmerNotAnsweringError, NoMatchingFarmerError, PoolBusyError } from './errors.js'
import { place, type FailedCandidate, type PlaceOptions } from './placement.js'
import { growPool } from './pool-grow.js'
import { PoolLeases } from './pool-leases.js'
import { PoolStore } from './pool-store.js'
import { poolFullError, poolUsage, type PoolUsage } from './pool-usage.js'
import type { CapacityMarket, DirectoryEntry, FindFilter, Resources } from '@p2pcloud/capacity'
import type { StreamOpener } from '@p2pcloud/wire'
import type { PeerId, PrivateKey } from '@libp2p/interface'

const log = logger('p2pcloud:twin:pools')

/** The zdb workload of each pool deployment. */
export const POOL_NAMESPACE = 'shards'

/** One namespace of a pool: a deployment of one zdb workload on one farmer. */
export interface PoolMember {
  deployment: string
  farmer: string
  farm: string
  country: string
  contractId: string
  /** When its lease ends (ms since the epoch), as its farmer last confirmed; the pool renews it at half its lease. Absent in pools made before: createdAt + leaseMs. */
  leaseEnd?: number
}

/** k+m zdb namespaces on distinct farmers that objects are spread over. */
export interface StoragePool {
  name: string
  dataShards: number
  parityShards: number
  /** Bytes of each namespace. */
  namespaceBytes: number
  leaseMs: number
  createdAt: number
  /** In shard order. */
  members: PoolMember[]
}

export interface CreatePoolOptions {
  name?: string
  dataShards: number
  parityShards: number
  namespaceBytes: number
  leaseMs: number
  where?: Pick<DeploymentSpec['where'], 'country' | 'farm' | 'maxPrice'>
  onProgress?: (message: string) => void
}

export const DEFAULT_POOL = 'default'

/** Where a namespace is: its farmer, and the farm and country it advertised. */
export type PoolPlace = Pick<PoolMember, 'farmer' | 'farm' | 'country'>
const placeOf = (entry: DirectoryEntry): PoolPlace => ({ farmer: entry.advert.peerId, farm: entry.advert.farm, country: entry.advert.country })

/** What a pool repair did: the object store's report, the namespaces reserved in place of farmers that did not answer, and the columns no farmer could take. */
export interface PoolRepairReport extends RepairReport {
  reserved: PoolMember[]
  unreplaced: Array<{ index: number, reason: string }>
}

/**
 * Farmers for a pool: distinct always; first one per farm and per country, then one per farm,
 * then any (so that a farm or a country going dark takes as few shards as possible). `taken`:
 * the farms and countries of the pool's members already there (a repair's replacement).
 */
export function choosePoolFarmers (candidates: DirectoryEntry[], count: number, taken: Array<{ farm: string, country: string }> = []): DirectoryEntry[] {
  const chosen: DirectoryEntry[] = []
  const picked = new Set<string>()
  const take = (accept: (entry: DirectoryEntry) => boolean): void => {
    for (const entry of candidates) {
      if (chosen.length >= count) return
      if (picked.has(entry.advert.peerId) || !accept(entry)) continue
      chosen.push(entry)
      picked.add(entry.advert.peerId)
    }
  }
  const farms = (): Set<string> => new Set([...taken.map(t => t.farm), ...chosen.map(e => e.advert.farm)])
  const countries = (): Set<string> => new Set([...taken.map(t => t.country), ...chosen.map(e => e.advert.country)])
  take(e => !farms().has(e.advert.farm) && !countries().has(e.advert.country))
  take(e => !farms().has(e.advert.farm))
  take(() => true)
  return chosen
}

/**
 * What pools ask of the twin that owns them (the Twin is one): its placement settings, the
 * deployments of their namespaces, and finding and reaching farmers. Declared here, so that the
 * twin and its pools do not import each other.
 */
export interface PoolDeployer {
  readonly placement: Pick<PlaceOptions<unknown>, 'unreliable' | 'maxFailed' | 'probeTimeoutMs'>
  deploy: (spec: DeploymentSpec) => Promise<{ farmer: string, contractId: string, contract?: { leaseEnd: string } }>
  /** `pool`: the pool itself releases its member (users may not, see Twin.delete). */
  delete: (name: string, options?: { force?: boolean, pool?: boolean }) => Promise<unknown>
  renew: (name: string, leaseMs: number) => Promise<{ contract?: { leaseEnd: string } }>
  /** Dial the farmer and ask for its live capacity; throws when it cannot take `need`. */
  probe: (farmer: PeerId, need: Partial<Resources>, signal: AbortSignal) => Promise<void>
  matchingFarmers: (filter: FindFilter, needed: number, spares: number) => Promise<DirectoryEntry[]>
  /** Dial the farmer by its advert when there is no connection to it. */
  reach: (farmer: PeerId) => Promise<void>
}

/**
 * The twin's storage pools (kept in its datastore) and the object stores over them: a pool is
 * reserved as k+m deployments of one zdb namespace each, on distinct farmers.
 */
export class StoragePools {
  private readonly master: StorageMasterKey
  private readonly store: PoolStore
  /** Renews the pools' namespaces before their leases end. */
  readonly leases: PoolLeases
  /** Pools whose objects are being moved into larger namespaces. */
  private readonly growing = new Set<string>()

  constructor (components: { datastore: Datastore, capacity: CapacityMarket, privateKey: PrivateKey }, private readonly twin: PoolDeployer, private readonly node: StreamOpener) {
    this.master = StorageMasterKey.fromIdentity(components.privateKey)
    this.store = new PoolStore(components.datastore)
    this.leases = new PoolLeases(this.store, async (deployment, leaseMs) => this.twin.renew(deployment, leaseMs))
  }

  /** Renews the pools' namespaces, every `checkMs`, before their leases end. */
  start (checkMs?: number): void {
    this.leases.start(checkMs)
  }

  async stop (): Promise<void> {
    await this.leases.stop()
  }

  async get (name = DEFAULT_POOL): Promise<StoragePool> {
    return this.store.get(name)
  }

  async list (): Promise<StoragePool[]> {
    return this.store.list()
  }

  /** The pool that holds this deployment as one of its namespaces, if any. */
  async poolOf (deployment: string): Promise<StoragePool | undefined> {
    return (await this.list()).find(pool => pool.members.some(m => m.deployment === deployment))
  }

  /** A pool with each namespace's use, as its farmer reports it now, and the pool's health. */
  async usage (name = DEFAULT_POOL): Promise<PoolUsage> {
    const pool = await this.get(name)
    await Promise.all(pool.members.map(async member => this.twin.reach(peerIdFromString(member.farmer))))
    return poolUsage(pool, async (member, signal) => this.client(member).info({ signal }))
  }

  /** Stores an object in the pool; a namespace with no room left makes it a PoolFullError that names the pool, its use and its size. */
  async put (source: AsyncIterable<Uint8Array>, options: PutOptions & { pool?: string } = {}): Promise<ObjectInfo> {
    const objects = await this.objects(options.pool)
    try {
      return await objects.put(source, options)
    } catch (err: any) {
      if (err.name !== 'ShardWriteError' || !(err.failures as Array<{ code?: string }>).some(f => f.code === 'QUOTA_EXCEEDED')) throw err
      throw poolFullError(await this.usage(options.pool))
    }
  }

  /** Reserves k+m namespaces on distinct farmers offering zdb; on any failure what was reserved is released. */
  async create (options: CreatePoolOptions): Promise<StoragePool> {
    const name = options.name ?? DEFAULT_POOL
    if (!SPEC_NAME.test(name) || name.length > 28) throw new SpecError(`"${name}" is not a pool name: 1 to 28 of a-z, 0-9, _ and -`)
    if (await this.store.has(name)) throw new DeploymentExistsError(`a storage pool named "${name}" exists already`)
    const { dataShards: k, parityShards: m } = options
    if (!Number.isInteger(k) || !Number.isInteger(m) || k < 1 || m < 0 || k + m > 64) throw new SpecError(`--data ${k} --parity ${m}: whole numbers, data at least 1, data + parity at most 64`)
    const filter: FindFilter = { ...options.where, capability: 'zdb', minFree: { hru: options.namespaceBytes }, sort: 'price' }
    let found = await this.farmersOffering(filter, k + m)
    // a 3Bot that just joined may know only some countries' farmers: before settling for shards
    // sharing a country, the mesh is asked for as many farmers as the placement keeps spares
    const firstChoice = choosePoolFarmers(found, k + m)
    if (new Set(firstChoice.map(e => e.advert.country)).size < firstChoice.length) found = await this.farmersOffering(filter, (k + m) * 3)
    const candidates = choosePoolFarmers(found, Infinity)
    if (candidates.length < k + m) {
      throw new NoMatchingFarmerError(`a ${k}+${m} pool needs ${k + m} distinct farmers offering zdb with ${formatSize(options.namespaceBytes)} of HDD free; found ${candidates.length}`)
    }
    const members: PoolMember[] = []
    try {
      // in spreading order: a farmer that does not answer or refuses is replaced by the next best spread
      await this.placeNamespaces(candidates, k + m, `not enough farmers took a namespace of pool "${name}"`, async entry => {
        options.onProgress?.(`reserving namespace ${members.length + 1}/${k + m} on ${entry.advert.peerId} (farm ${entry.advert.farm}, ${entry.advert.country})`)
        members.push(await this.reserveNamespace(placeOf(entry), `pool-${name}-${members.length}`, options.namespaceBytes, options.leaseMs))
      }, options.namespaceBytes, failure => { options.onProgress?.(`passing over ${failure.farmer}: ${failure.reason}`) })
    } catch (err) {
      // forced: a farmer that stopped answering keeps neither the member's name nor, once back, its contract
      await Promise.all(members.map(async member => this.twin.delete(member.deployment, { force: true, pool: true }).catch(() => {})))
      throw err
    }
    const pool: StoragePool = { name, dataShards: k, parityShards: m, namespaceBytes: options.namespaceBytes, leaseMs: options.leaseMs, createdAt: Date.now(), members }
    await this.store.put(pool)
    return pool
  }

  /**
   * Place `wanted` namespaces on `candidates` (in their order): each is probed (dialled, asked for
   * its live free HDD) a few ahead; one that does not answer or refuses is passed over.
   */
  private async placeNamespaces (candidates: DirectoryEntry[], wanted: number, what: string, use: (entry: DirectoryEntry) => Promise<void>, namespaceBytes: number, onFailure?: (failure: FailedCandidate) => void): Promise<void> {
    const byFarmer = new Map(candidates.map(entry => [entry.advert.peerId, entry]))
    await place([...byFarmer.keys()], {
      ...this.twin.placement,
      what,
      wanted,
      probe: async (farmer, signal) => { await this.twin.probe(peerIdFromString(farmer), { hru: namespaceBytes }, signal) },
      use: async farmer => { await use(byFarmer.get(farmer) as DirectoryEntry) },
      // a farmer's refusal, or a reservation it left pending (which holds no name), says nothing about the next farmer
      tryNextAfter: () => true,
      onFailure
    })
  }

  /**
   * One pool namespace: a deployment of one zdb workload on this farmer. A connection that
   * closed under us (NoAnswerError) is worth one more try on a fresh one.
   */
  private async reserveNamespace (at: PoolPlace, deployment: string, namespaceBytes: number, leaseMs: number): Promise<PoolMember> {
    const spec: DeploymentSpec = {
      name: deployment,
      where: { farmer: at.farmer },
      leaseMs,
      workloads: [{ name: POOL_NAMESPACE, type: 'zdb', size: namespaceBytes, mode: 'user', readers: [], writers: [] }]
    }
    const deployed = await this.twin.deploy(spec).catch(async (err: any) => {
      if (err.name !== 'NoAnswerError') throw err
      await new Promise(resolve => setTimeout(resolve, 500))
      return this.twin.deploy(spec)
    })
    const leaseEnd = deployed.contract != null ? Date.parse(deployed.contract.leaseEnd) : Date.now() + leaseMs
    return { deployment, farmer: deployed.farmer, farm: at.farm, country: at.country, contractId: deployed.contractId, leaseEnd }
  }

  /**
   * At least `needed` matching farmers when the mesh has them (the DHT is asked only when the
   * directory knows fewer), plus spares the directory knows: as many more as placements try last,
   * so that cheap farmers that let placements down cannot fill the list.
   */
  private async farmersOffering (filter: FindFilter, needed: number): Promise<DirectoryEntry[]> {
    return this.twin.matchingFarmers(filter, needed, needed * 3)
  }

  /**
   * Deletes the pool's namespaces (and every object in them) and cancels their contracts. A
   * member whose farmer does not answer keeps the pool (with only such members left) unless
   * `force`: then it is forgotten here and its contract cancelled once the farmer answers.
   */
  async remove (name = DEFAULT_POOL, options: { force?: boolean } = {}): Promise<{ deleted: string, members: Array<{ deployment: string, cancelled: boolean }> }> {
    const pool = await this.get(name)
    const results = await Promise.allSettled(pool.members.map(async member => {
      const deletion: any = await this.twin.delete(member.deployment, { force: options.force, pool: true }).catch((err: any) => {
        if (err.name !== 'DeploymentNotFound') throw err
        return { cancelled: true }
      })
      return { deployment: member.deployment, cancelled: deletion?.cancelled !== false }
    }))
    const failed = pool.members.filter((_, i) => results[i].status === 'rejected')
    if (failed.length > 0) {
      await this.store.update(name, kept => { kept.members = kept.members.filter(m => failed.some(f => f.deployment === m.deployment)) })
      const reasons = results.flatMap(r => r.status === 'rejected' ? [(r.reason as Error).message] : [])
      throw new FarmerNotAnsweringError(`storage pool "${name}": ${failed.length} of ${pool.members.length} namespaces could not be removed (${reasons.join('; ')}); p2pcloud store pool rm --force ${name} forgets them here`)
    }
    await this.store.delete(name)
    return { deleted: name, members: results.map(r => (r as PromiseFulfilledResult<{ deployment: string, cancelled: boolean }>).value) }
  }

  private client (member: PoolMember): ZdbClient {
    return new ZdbClient(this.node, { farmer: peerIdFromString(member.farmer), contractId: member.contractId, namespace: POOL_NAMESPACE })
  }

  private shardStore (member: PoolMember): ShardStore {
    return zdbShardStore(this.client(member))
  }

  /** The object store over a pool's namespaces, its farmers dialled. */
  async objects (name = DEFAULT_POOL): Promise<ObjectStore> {
    if (this.growing.has(name)) throw new PoolBusyError(`storage pool "${name}" is growing: its objects are being moved; try again once p2pcloud store pool grow is done`)
    const pool = await this.get(name)
    return this.objectsOn(pool, pool.members)
  }

  private async objectsOn (pool: StoragePool, members: PoolMember[]): Promise<ObjectStore> {
    await Promise.all(members.map(async member => this.twin.reach(peerIdFromString(member.farmer))))
    return new ObjectStore({ namespaces: members.map(m => this.shardStore(m)), masterKey: this.master, dataShards: pool.dataShards, parityShards: pool.parityShards })
  }

  /**
   * Gives every namespace of the pool `namespaceBytes` (pool-grow.ts): larger namespaces on the
   * same farmers (which need the room for both while the objects move), then the old ones
   * released. The pool's objects cannot be used meanwhile.
   */
  async grow (name: string, namespaceBytes: number, onProgress?: (message: string) => void): Promise<StoragePool> {
    if (this.growing.has(name)) throw new PoolBusyError(`storage pool "${name}" is growing already`)
    this.growing.add(name)
    try {
      const pool = await this.get(name)
      const larger = await growPool({
        reserve: async (at, deployment, bytes) => this.reserveNamespace(at, deployment, bytes, pool.leaseMs),
        release: async member => { await this.twin.delete(member.deployment, { force: true, pool: true }).catch(err => { log.error('could not release %s: %e', member.deployment, err) }) },
        objectsOn: async members => this.objectsOn(pool, members),
        shardStore: member => this.shardStore(member),
        onProgress
      }, pool, namespaceBytes)
      const grown = await this.store.update(name, current => { current.members = larger; current.namespaceBytes = namespaceBytes })
      await Promise.all(pool.members.map(async member => this.twin.delete(member.deployment, { force: true, pool: true }).catch(err => { log.error('could not release %s, grown out of pool %s: %e', member.deployment, name, err) })))
      return grown
    } finally {
      this.growing.delete(name)
    }
  }

  /**
   * Rebuilds an object's missing and corrupt shards. A namespace that does not answer at all is
   * given up: a fresh namespace is reserved on another farmer, takes its place in the pool, and
   * the object's shards of that column are rebuilt there.
   */
  async repair (objectId: string, options: { pool?: string, onProgress?: OnProgress } = {}): Promise<PoolRepairReport> {
    const pool = await this.get(options.pool)
    const objects = await this.objects(pool.name)
    const status = await objects.status(objectId)
    const gone = status.namespaces.filter(n => n.manifest === 'unreachable' && n.shards.every(s => s === 'unreachable')).map(n => n.index)
    // neither a member nor a farmer just given up takes a new column
    const avoid = new Set(pool.members.map(m => m.farmer))
    const replacements = new Map<number, ShardStore>()
    const reserved: PoolMember[] = []
    const unreplaced: Array<{ index: number, reason: string }> = []
    for (const index of gone) {
      try {
        const member = await this.replaceMember(pool, index, avoid)
        avoid.add(member.farmer)
        reserved.push(member)
        replacements.set(index, this.shardStore(member))
      } catch (err: any) {
        unreplaced.push({ index, reason: err.message })
      }
    }
    const report = await objects.repair(objectId, { replace: index => replacements.get(index), onProgress: options.onProgress })
    return { ...report, reserved, unreplaced, complete: report.complete && unreplaced.length === 0 }
  }

  /** A new namespace on a farmer outside `avoid`, in place of member `index` (whose deployment is released). */
  private async replaceMember (pool: StoragePool, index: number, avoid: Set<string>): Promise<PoolMember> {
    // enough that one is left once those to avoid are out (the DHT is asked when the directory knows fewer)
    const found = await this.farmersOffering({ capability: 'zdb', minFree: { hru: pool.namespaceBytes }, sort: 'price' }, avoid.size + 1)
    const old = pool.members[index]
    const staying = pool.members.filter((_, i) => i !== index)
    const candidates = choosePoolFarmers(found.filter(e => !avoid.has(e.advert.peerId)), Infinity, staying)
    if (candidates.length === 0) throw new NoMatchingFarmerError(`no farmer outside the pool could take namespace ${index} (of ${old.farmer}, not answering)`)
    let member: PoolMember | undefined
    await this.placeNamespaces(candidates, 1, `no farmer outside the pool took namespace ${index} (of ${old.farmer}, not answering)`, async entry => {
      member = await this.reserveNamespace(placeOf(entry), `pool-${pool.name}-${index}-${Date.now().toString(36)}`, pool.namespaceBytes, pool.leaseMs)
    }, pool.namespaceBytes)
    await this.store.update(pool.name, current => { current.members[index] = member as PoolMember })
    pool.members[index] = member as PoolMember
    // the old farmer may come back: its contract is cancelled when it does (a pending reservation)
    await this.twin.delete(old.deployment, { force: true, pool: true }).catch(err => { log.error('could not release %s, replaced in pool %s: %e', old.deployment, pool.name, err) })
    return member as PoolMember
  }
}
