import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathUnder } from '@p2pcloud/node'
import { parseCid } from './block-store.js'
import { dataBlockSizes, loadFlist } from './manifest.js'
import { materialise } from './materialise.js'
import { DiskBudget, entryDiskBytes, type DiskRoom } from './tree-budget.js'
import { formatSize } from '@p2pcloud/node'
import type { BlockStore } from './block-store.js'
import type { Flist, ImageConfig, LoadFlistOptions } from './manifest.js'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface CacheFetchOptions extends LoadFlistOptions {
  /** Called with each block the fetch stored (it was not in the store), manifest or data. */
  onStored?: (cid: CID) => void
  /**
   * Called once the manifest is read, before the fetch looks for its data blocks in the store,
   * with every block the flist references (manifest and data), also those already there.
   */
  onNeeded?: (cids: CID[]) => void
}

export interface FlistCacheInit {
  /** Holds trees/<cid> (materialised trees), tmp/ and trash/ (work in progress) and state.json. */
  root: string
  /** Where the flists' blocks are; shared with the exchange. */
  store: BlockStore
  /**
   * Makes every block of the flist (manifest and data) local in `store`; injected by the
   * exchange. It counts the manifest into `options.budget` as it reads it (loadFlist), so a
   * flist with no room is refused before its data blocks are fetched, stores only blocks of
   * their declared sizes, names each block it stored, which a failed build deletes again, and
   * names every block the flist needs, which nothing deletes while the build runs.
   */
  fetch: (cid: CID, options?: CacheFetchOptions) => Promise<void>
  /**
   * Bytes of trees plus blocks of cached flists above which unused flists are evicted. A flist
   * that would not fit (its tree, blocks and manifest) beside the flists in use, pinned or being
   * fetched is refused before its data blocks are fetched.
   */
  maxBytes: number
  /** Flists (by CID text) that are never evicted while cached; their blocks stay too. */
  pinned?: (cid: string) => boolean
  /**
   * Added to every owner in the trees (default 0): containers in a user
   * namespace see a file as theirs only if its host owner is mapped
   * (@p2pcloud/runtime's CONTAINER_ID_MAP). Trees of another shift are
   * dropped at open and built again.
   */
  ownerShift?: number
  now?: () => number
}

export interface AcquiredFlist {
  /** The materialised tree: read only, the lower layer of an overlay. Never modify it. */
  path: string
  config: ImageConfig
  /** Drops this reference (once); the flist becomes evictable when none is left. */
  release: () => Promise<void>
}

/** What survives a restart, in state.json: the cached flists, their last use and what the tree holds. */
interface CachedState { lastUsedMs: number, treeBytes: number, config: ImageConfig }
interface StateFile { version: 1, ownerShift?: number, flists: Record<string, CachedState> }

/** A flist being fetched and built: what it declared so far, the blocks it stored and every block it needs (CID text). */
interface Build { budget: DiskBudget, stored: Set<string>, needed: Set<string> }

interface Cached extends CachedState {
  refs: number
  /** CID text → bytes of every block the flist uses (manifest and data). */
  blocks: Map<string, number>
}

const blockSizes = (flist: Flist): Map<string, number> => {
  const sizes = dataBlockSizes(flist)
  // the manifest's bytes, spread over its blocks (only their sum matters)
  sizes.set(flist.cid.toString(), flist.manifestBytes)
  for (const page of flist.manifestBlocks.slice(1)) sizes.set(page.toString(), 0)
  return sizes
}

/** Bytes of these cached flists' trees plus their distinct blocks. */
function bytesOf (flists: Cached[]): number {
  const blocks = new Map<string, number>()
  let total = 0
  for (const c of flists) {
    total += c.treeBytes
    for (const [cid, size] of c.blocks) blocks.set(cid, size)
  }
  for (const size of blocks.values()) total += size
  return total
}

const treeBytes = (flist: Flist): number => flist.entries.reduce((sum, e) => sum + entryDiskBytes(e), 0)

/**
 * The farmer's content-addressed flist cache, shared by all workloads: each flist is fetched
 * and materialised once into trees/<cid> (built under tmp/ and renamed into place, so a crash
 * never leaves half a tree in use), shared by reference count, and evicted least recently used
 * first once the bytes held go over maxBytes — tree deleted (moved to trash/ first) and the
 * blocks no other cached flist uses deleted from the store.
 */
export class FlistCache {
  private readonly cached = new Map<string, Cached>()
  private readonly building = new Map<string, Promise<Cached>>()
  /** The flists being fetched and built: what they declared so far and the blocks they stored. */
  private readonly builds = new Set<Build>()
  private readonly now: () => number
  private ready?: Promise<void>
  /** Evictions run one at a time. */
  private evicting: Promise<void> = Promise.resolve()

  constructor (private readonly init: FlistCacheInit) {
    this.now = init.now ?? Date.now
  }

  private get ownerShift (): number { return this.init.ownerShift ?? 0 }
  private get statePath (): string { return join(this.init.root, 'state.json') }
  treePath (cid: string): string { return pathUnder(join(this.init.root, 'trees'), cid) }

  /** Loads state.json, drops what a crash left half done, and reconciles the state with the trees on disk. */
  private async open (): Promise<void> {
    const { root } = this.init
    await rm(join(root, 'tmp'), { recursive: true, force: true })
    await rm(join(root, 'trash'), { recursive: true, force: true })
    for (const dir of ['trees', 'tmp', 'trash']) await mkdir(join(root, dir), { recursive: true })
    let state: StateFile = { version: 1, flists: {} }
    try {
      state = JSON.parse(await readFile(this.statePath, 'utf8'))
    } catch (err: any) {
      if (err.code !== 'ENOENT') throw err
    }
    // trees made with other owners are not what the containers expect: the loop below drops them
    if ((state.ownerShift ?? 0) !== this.ownerShift) state.flists = {}
    for (const [cid, entry] of Object.entries(state.flists)) {
      if (!(await stat(this.treePath(cid)).then(s => s.isDirectory(), () => false))) continue
      let blocks = new Map<string, number>()
      try {
        blocks = blockSizes(await loadFlist(this.init.store, parseCid(cid)))
      } catch {
        // its blocks are gone from the store: the tree still serves, it holds no blocks
      }
      this.cached.set(cid, { ...entry, refs: 0, blocks })
    }
    for (const name of await readdir(join(root, 'trees'))) {
      if (!this.cached.has(name)) await this.removeTree(name)
    }
    await this.save()
  }

  private async save (): Promise<void> {
    const state: StateFile = { version: 1, ownerShift: this.ownerShift, flists: {} }
    for (const [cid, c] of this.cached) state.flists[cid] = { lastUsedMs: c.lastUsedMs, treeBytes: c.treeBytes, config: c.config }
    const tmp = join(this.init.root, 'tmp', `state.${randomBytes(6).toString('hex')}.json`)
    await writeFile(tmp, JSON.stringify(state))
    await rename(tmp, this.statePath)
  }

  /** Fetches (when needed) and materialises the flist `cid`, and takes a reference to its tree. */
  async acquire (cid: string, options: AbortOptions = {}): Promise<AcquiredFlist> {
    this.ready ??= this.open()
    await this.ready
    const parsed = parseCid(cid)
    const key = parsed.toString()
    let entry = this.cached.get(key)
    if (entry === undefined) {
      let build = this.building.get(key)
      if (build === undefined) {
        build = this.build(parsed, options).finally(() => this.building.delete(key))
        this.building.set(key, build)
      }
      entry = await build
    }
    entry.refs++
    entry.lastUsedMs = this.now()
    await this.save()
    await this.evict()
    let released = false
    return {
      path: this.treePath(key),
      config: entry.config,
      release: async () => {
        if (released) return
        released = true
        entry.refs--
        entry.lastUsedMs = this.now()
        await this.save()
        await this.evict()
      }
    }
  }

  /** Fetches and materialises the flist; when that fails, the blocks it stored that nothing else uses are deleted again. */
  private async build (cid: CID, options: AbortOptions): Promise<Cached> {
    const build: Build = { budget: new DiskBudget(cid.toString(), () => this.room(build)), stored: new Set(), needed: new Set([cid.toString()]) }
    this.builds.add(build)
    try {
      await this.init.fetch(cid, {
        ...options,
        budget: build.budget,
        onStored: block => build.stored.add(block.toString()),
        onNeeded: blocks => { for (const block of blocks) build.needed.add(block.toString()) }
      })
      const flist = await loadFlist(this.init.store, cid, options)
      const tmp = join(this.init.root, 'tmp', `${cid.toString()}.${randomBytes(6).toString('hex')}`)
      try {
        await materialise(flist, this.init.store, tmp, { ...options, ownerShift: this.ownerShift })
        await rename(tmp, this.treePath(cid.toString()))
      } catch (err) {
        await rm(tmp, { recursive: true, force: true })
        throw err
      }
      const entry: Cached = { lastUsedMs: this.now(), treeBytes: treeBytes(flist), config: flist.config, refs: 0, blocks: blockSizes(flist) }
      this.cached.set(cid.toString(), entry)
      this.builds.delete(build)
      return entry
    } catch (err) {
      this.builds.delete(build)
      await this.deleteUnused(build.stored)
      throw err
    }
  }

  /**
   * The room of a flist being fetched: maxBytes less what cannot be evicted to make room for
   * it — flists in use or pinned, and what the other flists being fetched declared so far.
   */
  private room (build: Build): DiskRoom {
    let taken = bytesOf([...this.cached].filter(([cid, c]) => c.refs > 0 || this.init.pinned?.(cid) === true).map(([, c]) => c))
    for (const other of this.builds) if (other !== build) taken += other.budget.total
    const max = this.init.maxBytes
    if (taken === 0) return { bytes: max, of: 'this farmer\'s flist cache holds' }
    return { bytes: Math.max(0, max - taken), of: `left in this farmer's flist cache of ${formatSize(max)} (${formatSize(taken)} of it held by flists in use or being fetched)` }
  }

  /** Bytes held: every cached tree plus every distinct block of the cached flists. */
  held (): number {
    return bytesOf([...this.cached.values()])
  }

  /** The cached flists (CID text), and how many references each has. */
  list (): Array<{ cid: string, refs: number, lastUsedMs: number, treeBytes: number }> {
    return [...this.cached].map(([cid, c]) => ({ cid, refs: c.refs, lastUsedMs: c.lastUsedMs, treeBytes: c.treeBytes }))
  }

  private async evict (): Promise<void> {
    this.evicting = this.evicting.catch(() => {}).then(async () => { await this.evictNow() })
    return this.evicting
  }

  private async evictNow (): Promise<void> {
    while (this.held() > this.init.maxBytes) {
      const victim = [...this.cached]
        .filter(([cid, c]) => c.refs === 0 && this.init.pinned?.(cid) !== true)
        .sort((a, b) => a[1].lastUsedMs - b[1].lastUsedMs)[0]
      if (victim === undefined) return
      const [cid, entry] = victim
      this.cached.delete(cid)
      await this.save()
      await this.removeTree(cid)
      await this.deleteUnused(entry.blocks.keys())
    }
  }

  /**
   * Deletes those of `blocks` that no cached flist uses and no build in progress stored or
   * needs: a build finds the blocks it shares with others already in the store and fetches
   * none of them, so what it stored is not all it reads. Asked again before each delete: a
   * build may start while this runs.
   */
  private async deleteUnused (blocks: Iterable<string>): Promise<void> {
    for (const block of [...blocks]) if (!this.inUse(block)) await this.init.store.delete(parseCid(block))
  }

  private inUse (block: string): boolean {
    for (const c of this.cached.values()) if (c.blocks.has(block)) return true
    for (const build of this.builds) if (build.stored.has(block) || build.needed.has(block)) return true
    return false
  }

  /** Moves the tree out of trees/ at once (rename), then deletes it. */
  private async removeTree (cid: string): Promise<void> {
    const trash = join(this.init.root, 'trash', `${cid}.${randomBytes(6).toString('hex')}`)
    await rename(this.treePath(cid), trash)
    await rm(trash, { recursive: true, force: true })
  }
}
