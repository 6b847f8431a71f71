import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { BLOCKS_PROTOCOL, handleRequests, type StreamOpener } from '@p2pcloud/wire'
import { Key } from 'interface-datastore'
import { readArchive } from './archive.js'
import { BlockFetcher, type BlockFetcherInit, type BlockSink, type FetchProgress } from './block-fetcher.js'
import { blocksResponder } from './block-protocol.js'
import { InvalidFlistError, NotPinnedError } from './errors.js'
import { FsBlockStore, parseCid, type BlockGetter } from './block-store.js'
import { dataBlockSizes, dataBlocks, loadFlist, type Flist } from './manifest.js'
import { FlistCache, type CacheFetchOptions } from './flist-cache.js'
import { materialise, readFile } from './materialise.js'
import type { Progress } from './progress.js'
import type { ContentRouting, Metrics, PeerId, Startable } from '@libp2p/interface'
import type { Registrar } from '@libp2p/interface-internal'
import type { Datastore } from 'interface-datastore'
import type { CID } from 'multiformats/cid'

const log = logger('p2pcloud:flist:service')

export interface FlistServiceComponents {
  peerId: PeerId
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: { openStream: StreamOpener['dialProtocol'], getConnections(): Array<{ remotePeer: PeerId }> }
  contentRouting: Pick<ContentRouting, 'provide' | 'findProviders'>
  datastore: Datastore
  /** Where its protocol's request counts and latencies go (libp2p's metrics, when the peer keeps them). */
  metrics?: Metrics
}

export interface FlistServiceInit {
  /** `<home>/flists`: the block store lives in `blocks/`. */
  root: string
  fetcher?: Omit<BlockFetcherInit, 'node'>
  /** Providers asked at most per fetch (default 8). */
  maxProviders?: number
  /** Longest DHT provider lookup (default 10 s); once one provider is found, at most `settleMs` more (default 1 s). */
  lookupTimeoutMs?: number
  settleMs?: number
}

/** A fetch's phases: the manifest read, the data blocks fetched. */
export interface FlistFetchProgress extends FetchProgress {
  phase: 'manifest' | 'blocks' | 'done'
  /** Providers found (0 until the first block is needed from the mesh). */
  providers: number
  /** Bytes of the data blocks still to fetch when the fetch began. */
  totalBytes: number
}

export interface FlistFetchOptions extends CacheFetchOptions {
  /** Peers to ask besides those the DHT names (e.g. the twin that published it). */
  providers?: PeerId[]
  onProgress?: (progress: FlistFetchProgress) => void
}

/** A flist this peer published: kept in the store, provided in the DHT, never evicted. */
export interface PinnedFlist {
  cid: string
  pinnedAtMs: number
  entries: number
  blocks: number
  bytes: number
}

export interface PublishResult extends PinnedFlist {
  /** False when no DHT peer took the provider record yet (it is provided again at the next start). */
  provided: boolean
}

const PIN_PREFIX = '/p2pcloud/flists/pins'
const pinKey = (cid: string): Key => new Key(`${PIN_PREFIX}/${cid}`)

/**
 * The flists of this peer: its block store, served to any peer over `/p2pcloud/blocks/1.0.0`;
 * publishing (an archive into the store, pinned, its CID provided in the DHT); and fetching
 * from the providers the DHT names (plus any named), every block verified, after which this
 * peer provides the flist too.
 */
export class FlistService implements Startable {
  readonly store: FsBlockStore
  private readonly fetcher: BlockFetcher
  private readonly pins = new Map<string, PinnedFlist>()
  private readonly caches: FlistCache[] = []
  private readonly fetching = new Map<string, Promise<Flist>>()
  private readonly stopping = new AbortController()

  constructor (private readonly components: FlistServiceComponents, private readonly init: FlistServiceInit) {
    this.store = new FsBlockStore(join(init.root, 'blocks'))
    const node: StreamOpener = { dialProtocol: async (peer, protocols, options) => components.connectionManager.openStream(peer, protocols, options) }
    this.fetcher = new BlockFetcher({ ...init.fetcher, node })
  }

  async start (): Promise<void> {
    for await (const { value } of this.components.datastore.query({ prefix: PIN_PREFIX })) {
      const pin = JSON.parse(new TextDecoder().decode(value)) as PinnedFlist
      this.pins.set(pin.cid, pin)
    }
    await handleRequests(this.components.registrar, blocksResponder(this.store), this.components.metrics)
  }

  /** The DHT runs now: provide what we publish again (a provider record lives two days; kad-dht re-provides while we run). */
  afterStart (): void {
    for (const cid of this.pins.keys()) void this.provide(parseCid(cid))
  }

  async stop (): Promise<void> {
    this.stopping.abort()
    await this.components.registrar.unhandle(BLOCKS_PROTOCOL)
  }

  /** The farmer's flist cache over this peer's store and exchange: what it fetches comes from the mesh, what this peer published is never evicted. */
  cache (init: { root: string, maxBytes: number, ownerShift?: number }): FlistCache {
    const cache = new FlistCache({ ...init, store: this.store, fetch: async (cid, options) => { await this.fetch(cid, options) }, pinned: cid => this.isPinned(cid) })
    this.caches.push(cache)
    return cache
  }

  /** Bytes the flist caches made by `cache` hold (a farmer has one; metrics report it). */
  cachedBytes (): number {
    return this.caches.reduce((sum, cache) => sum + cache.held(), 0)
  }

  isPinned (cid: string): boolean {
    return this.pins.has(cid)
  }

  pinned (): PinnedFlist[] {
    return [...this.pins.values()].sort((a, b) => a.pinnedAtMs - b.pinnedAtMs)
  }

  /** Stores every block of a flist archive (each verified), pins the flist and provides it. */
  async publish (archive: string, options: { onProgress?: (p: { blocks: number, bytes: number }) => void } = {}): Promise<PublishResult> {
    const { root, blocks } = await readArchive(archive)
    let count = 0
    let bytes = 0
    for await (const block of blocks) {
      await this.store.put(block.cid, block.bytes)
      count++
      bytes += block.bytes.byteLength
      options.onProgress?.({ blocks: count, bytes })
    }
    // refuses an archive that lacks blocks of its own flist before pinning it
    const flist = await loadFlist(this.store, root).catch((err: any) => {
      if (err.name === 'BlockNotFoundError') throw new InvalidFlistError(`${archive} lacks manifest block ${err.cid as string} of flist ${root.toString()}`)
      throw err
    })
    const missing = await this.missing(flist)
    if (missing.length > 0) throw new InvalidFlistError(`${archive} lacks ${missing.length} block(s) of flist ${root.toString()} (first: ${missing[0].toString()})`)
    const pin: PinnedFlist = { cid: root.toString(), pinnedAtMs: Date.now(), entries: flist.entries.length, blocks: count, bytes }
    await this.components.datastore.put(pinKey(pin.cid), new TextEncoder().encode(JSON.stringify(pin)))
    this.pins.set(pin.cid, pin)
    return { ...pin, provided: await this.provide(root) }
  }

  /** Forgets a pin; the blocks stay until a cache evicts them (a farmer) or forever (a 3Bot has no cache). */
  async unpin (cid: string): Promise<void> {
    if (!this.pins.delete(cid)) throw new NotPinnedError(cid)
    await this.components.datastore.delete(pinKey(cid))
  }

  /** Makes every block of the flist local, from the mesh when needed; this peer provides it after. */
  async fetch (cid: CID, options: FlistFetchOptions = {}): Promise<Flist> {
    const key = cid.toString()
    let pending = this.fetching.get(key)
    if (pending === undefined) {
      pending = this.fetchNow(cid, options).finally(() => this.fetching.delete(key))
      this.fetching.set(key, pending)
    }
    return pending
  }

  /** The flist's manifest (root and pages), fetched when not local; its data blocks are not. */
  async manifest (cid: CID, options: FlistFetchOptions = {}): Promise<Flist> {
    return loadFlist(this.fetchingGetter(this.lookup(cid, options).get), cid, options)
  }

  /** The content of the file at `path`, its blocks fetched as they are read. */
  async * cat (cid: CID, path: string, options: FlistFetchOptions = {}): AsyncGenerator<Uint8Array> {
    const getter = this.fetchingGetter(this.lookup(cid, options).get)
    yield * readFile(await loadFlist(getter, cid, options), getter, path, options)
  }

  /** Fetches the flist and writes its tree into `dir` (which must not exist or be empty); progress of both. */
  async get (cid: CID, dir: string, options: Omit<FlistFetchOptions, 'onProgress'> & { onProgress?: (p: FlistFetchProgress | Progress) => void } = {}): Promise<Flist> {
    const flist = await this.fetch(cid, options)
    await materialise(flist, this.store, dir, options)
    return flist
  }

  private async fetchNow (cid: CID, options: FlistFetchOptions): Promise<Flist> {
    const progress: FlistFetchProgress = { phase: 'manifest', providers: 0, blocks: 0, bytes: 0, totalBlocks: 0, totalBytes: 0 }
    const report = (change: Partial<FlistFetchProgress>): void => {
      Object.assign(progress, change)
      options.onProgress?.({ ...progress })
    }
    const providers = this.lookup(cid, options, found => { report({ providers: found.length }) })
    report({})
    const flist = await loadFlist(this.fetchingGetter(providers.get, options.onStored), cid, options)
    // before looking in the store: a block found there must stay until the caller has read it
    options.onNeeded?.([...flist.manifestBlocks, ...dataBlocks(flist)])
    const missing = await this.missing(flist)
    if (missing.length > 0) {
      const sizes = dataBlockSizes(flist)
      report({ phase: 'blocks', totalBlocks: missing.length, totalBytes: missing.reduce((sum, b) => sum + (sizes.get(b.toString()) ?? 0), 0) })
      await this.fetcher.fetch(missing, await providers.get(), this.declaredSizeSink(flist, sizes, options.onStored), {
        signal: options.signal,
        onProgress: p => { report({ blocks: p.blocks, bytes: p.bytes }) }
      })
    }
    report({ phase: 'done' })
    // what came from the mesh we serve too
    if (providers.used()) void this.provide(cid)
    return flist
  }

  /** The fetcher's sink: it verified each block on receipt, so the store does not hash it again. */
  private readonly put = async (cid: CID, bytes: Uint8Array): Promise<void> => { await this.store.putVerified(cid, bytes) }

  /** A sink that stores each block and tells `onStored`. */
  private storing (onStored?: (cid: CID) => void): BlockSink {
    return async (cid, bytes) => {
      await this.put(cid, bytes)
      onStored?.(cid)
    }
  }

  /**
   * The sink for `flist`'s data blocks: a block whose length is not the size its manifest
   * declares (flist.md §5 rule 4) ends the fetch before it is stored, so the bytes stored are
   * the bytes a DiskBudget counted, whatever the manifest claims.
   */
  private declaredSizeSink (flist: Flist, sizes: Map<string, number>, onStored?: (cid: CID) => void): BlockSink {
    const store = this.storing(onStored)
    return async (cid, bytes) => {
      const declared = sizes.get(cid.toString())
      if (bytes.byteLength !== declared) throw new InvalidFlistError(`flist ${flist.cid.toString()}: block ${cid.toString()} is ${bytes.byteLength} bytes, its manifest declares ${declared}`)
      await store(cid, bytes)
    }
  }

  /** The data blocks of `flist` the store lacks, each once. */
  private async missing (flist: Flist): Promise<CID[]> {
    const missing: CID[] = []
    for (const block of dataBlocks(flist)) if (!(await this.store.has(block))) missing.push(block)
    return missing
  }

  /** A getter that reads the store and fetches what it lacks from `providers`. */
  private fetchingGetter (providers: () => Promise<PeerId[]>, onStored?: (cid: CID) => void): BlockGetter {
    const sink = this.storing(onStored)
    return {
      get: async (block, o) => {
        // the caller's onProgress is about its own work (a fetch, a materialise), not this block
        if (!(await this.store.has(block))) await this.fetcher.fetch([block], await providers(), sink, { signal: o?.signal })
        return this.store.get(block, o)
      }
    }
  }

  /** The flist's providers, looked up once on first use (nothing is looked up when every block is local). */
  private lookup (cid: CID, options: FlistFetchOptions, onFound?: (providers: PeerId[]) => void): { get: () => Promise<PeerId[]>, used: () => boolean } {
    let found: Promise<PeerId[]> | undefined
    return {
      get: async () => {
        found ??= this.findProviders(cid, options).then(providers => { onFound?.(providers); return providers })
        return found
      },
      used: () => found !== undefined
    }
  }

  /**
   * The named providers plus those the DHT knows, up to maxProviders; when nobody is known,
   * the peers we are connected to (they answer "missing" at once when they hold nothing).
   */
  private async findProviders (cid: CID, options: FlistFetchOptions): Promise<PeerId[]> {
    const self = this.components.peerId
    const found = new Map<string, PeerId>()
    const add = (peer: PeerId): void => { if (!peer.equals(self) && found.size < (this.init.maxProviders ?? 8)) found.set(peer.toString(), peer) }
    options.providers?.forEach(add)
    const done = new AbortController()
    const signal = AbortSignal.any([done.signal, this.stopping.signal, AbortSignal.timeout(this.init.lookupTimeoutMs ?? 10_000), ...(options.signal != null ? [options.signal] : [])])
    let settle: ReturnType<typeof setTimeout> | undefined
    try {
      for await (const provider of this.components.contentRouting.findProviders(cid, { signal })) {
        add(provider.id)
        if (found.size >= (this.init.maxProviders ?? 8)) break
        settle ??= setTimeout(() => { done.abort() }, this.init.settleMs ?? 1000)
      }
    } catch (err: any) {
      options.signal?.throwIfAborted()
      if (!signal.aborted) log('provider lookup for %s ended: %e', cid, err)
    } finally {
      clearTimeout(settle)
    }
    if (found.size === 0) this.components.connectionManager.getConnections().forEach(c => { add(c.remotePeer) })
    log('providers of %s: %s', cid, [...found.keys()].join(', '))
    return [...found.values()]
  }

  /** Announces in the DHT that we hold `cid`; false (and logged) when it could not. */
  private async provide (cid: CID): Promise<boolean> {
    try {
      await this.components.contentRouting.provide(cid, { signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(30_000)]) })
      return true
    } catch (err: any) {
      log('providing %s failed: %e', cid, err)
      return false
    }
  }
}

export function flistService (init: FlistServiceInit): (components: FlistServiceComponents) => FlistService {
  return components => new FlistService(components, init)
}
