import { randomBytes } from 'node:crypto'
import { ZDB_MAX_VALUE_BYTES } from '@p2pcloud/wire'
import { ErasureCode } from './erasure.js'
import { NotEnoughShardsError, ObjectTooLargeError, ShardWriteError, StorageConfigError, type WriteFailure } from './errors.js'
import {
  FORMAT_VERSION, infoOf, MANIFEST_PREFIX, SHARD_HEADER_BYTES, manifestKey, maxSegments, newObjectId, objectIdBytes, sealManifest, shardKey, shardValue,
  unwrapObjectKey, wrapObjectKey, type Manifest
} from './format.js'
import { KEY_BYTES, TAG_BYTES, type StorageMasterKey } from './keys.js'
import { findManifest, problemsOf, readShards, type ShardReadOptions } from './reads.js'
import { inspectObject, repairObject, type RepairOptions } from './repair.js'
import { decryptSegment, encodeSegment, rebuildStripe, shardBytesOf } from './segment-codec.js'
import { Window, forEachBounded, segmentsOf } from './segments.js'
import type { ShardStore } from './shard-store.js'
import type { ObjectInfo, ObjectStatus, OnProgress, RepairReport } from './types.js'

export const DEFAULT_DATA_SHARDS = 4
export const DEFAULT_PARITY_SHARDS = 2
/** 1 MiB shards: a full segment is 4 MiB − 16 bytes (4+2), each shard value far under zdb's 4 MiB. */
export const DEFAULT_SHARD_SIZE = 2 ** 20

export interface ObjectStoreInit {
  /** The k+m namespaces new objects are written to, in shard order; manifests are looked up in them. */
  namespaces: ShardStore[]
  masterKey: StorageMasterKey
  dataShards?: number
  parityShards?: number
  shardSize?: number
  /** Segments a put writes at once (memory: about 4 × the segment size each). */
  segmentsInFlight?: number
  /** Segments a get reads ahead of the one it yields. */
  prefetch?: number
  /** Shards a get asks for beyond the k it needs, keeping the first good k (the long tail is cut; default 1). */
  extraReads?: number
}

export interface PutOptions {
  name?: string
  onProgress?: OnProgress
}

export interface GetOptions {
  onProgress?: OnProgress
  signal?: AbortSignal
}

export interface ListResult {
  objects: ObjectInfo[]
  /** Manifests listed but not readable (another twin's, damaged everywhere). */
  unreadable: Array<{ objectId: string, error: string }>
  /** Namespaces that could not be listed. */
  unreachable: Array<{ namespace: string, reason: string }>
}

/** Runs `op` on every store at once; resolves with the ones that failed. */
async function onEveryStore (stores: Array<ShardStore | undefined>, namespaces: string[], key: Uint8Array,
  op: (store: ShardStore, index: number) => Promise<void>): Promise<WriteFailure[]> {
  const failures = await Promise.all(stores.map(async (store, index): Promise<WriteFailure | undefined> => {
    const failure = { index, namespace: namespaces[index], key: Buffer.from(key).toString() }
    if (store == null) return { ...failure, reason: 'no ShardStore for this namespace was given' }
    try {
      await op(store, index)
    } catch (err: any) {
      return { ...failure, reason: err.message ?? String(err), ...(typeof err.code === 'string' ? { code: err.code } : {}) }
    }
  }))
  return failures.filter(f => f != null)
}

/**
 * Objects across k+m namespaces (README "Format"): each segment is encrypted with the object's
 * key, erasure-coded into k+m shards, shard i stored in namespace i; the manifest, sealed under
 * the twin's master key, is stored in every namespace.
 */
export class ObjectStore {
  readonly dataShards: number
  readonly parityShards: number
  readonly shardSize: number
  /** Plaintext bytes of a full segment. */
  readonly segmentSize: number
  private readonly code: ErasureCode
  private readonly master: StorageMasterKey
  private readonly stripe: ShardStore[]
  /** Every namespace this store knows by id: the stripe's and repair's replacements. */
  private readonly known = new Map<string, ShardStore>()
  private readonly segmentsInFlight: number
  private readonly prefetch: number
  private readonly extraReads: number

  constructor (init: ObjectStoreInit) {
    this.dataShards = init.dataShards ?? DEFAULT_DATA_SHARDS
    this.parityShards = init.parityShards ?? DEFAULT_PARITY_SHARDS
    this.code = new ErasureCode(this.dataShards, this.parityShards)
    this.shardSize = init.shardSize ?? DEFAULT_SHARD_SIZE
    this.segmentsInFlight = init.segmentsInFlight ?? 4
    this.prefetch = init.prefetch ?? 2
    this.extraReads = init.extraReads ?? 1
    if (init.namespaces.length !== this.code.total) throw new StorageConfigError(`${init.namespaces.length} namespaces for ${this.dataShards}+${this.parityShards} shards`)
    if (new Set(init.namespaces.map(s => s.id)).size !== init.namespaces.length) throw new StorageConfigError('two namespaces have the same id')
    if (!Number.isInteger(this.shardSize) || this.shardSize * this.dataShards <= TAG_BYTES || SHARD_HEADER_BYTES + this.shardSize > ZDB_MAX_VALUE_BYTES) {
      throw new StorageConfigError(`shard size ${this.shardSize}: a shard value must fit zdb's ${ZDB_MAX_VALUE_BYTES} bytes and a segment hold more than its ${TAG_BYTES}-byte tag`)
    }
    if (!(this.segmentsInFlight >= 1) || !(this.prefetch >= 0) || !(this.extraReads >= 0)) throw new StorageConfigError('segmentsInFlight is at least 1, prefetch and extraReads at least 0')
    this.segmentSize = this.dataShards * this.shardSize - TAG_BYTES
    this.master = init.masterKey
    this.stripe = [...init.namespaces]
    for (const store of this.stripe) this.known.set(store.id, store)
  }

  /** The namespaces new objects go to (a repair onto a replacement changes them). */
  get namespaces (): readonly ShardStore[] {
    return this.stripe
  }

  private storesOf (manifest: Manifest): Array<ShardStore | undefined> {
    return manifest.namespaces.map(id => this.known.get(id))
  }

  /**
   * Stores the stream as a new object; resolves once every shard of every segment and every
   * manifest copy is written. Otherwise a ShardWriteError lists the failed writes, and what was
   * written is deleted (best effort).
   */
  async put (source: AsyncIterable<Uint8Array>, options: PutOptions = {}): Promise<ObjectInfo> {
    const objectId = newObjectId()
    const idBytes = objectIdBytes(objectId)
    const objectKey = randomBytes(KEY_BYTES)
    const stores = [...this.stripe]
    const manifest: Manifest = {
      version: FORMAT_VERSION, revision: 0, objectId, name: options.name ?? '', size: 0, createdAt: new Date().toISOString(),
      dataShards: this.dataShards, parityShards: this.parityShards, shardSize: this.shardSize, segmentSize: this.segmentSize,
      segments: [], namespaces: stores.map(s => s.id), objectKey: wrapObjectKey(this.master, objectId, objectKey)
    }
    const limit = maxSegments(manifest)
    const failures: WriteFailure[] = []
    const window = new Window(this.segmentsInFlight)
    const progress = { bytes: 0, segments: 0 }
    try {
      for await (const plaintext of segmentsOf(source, this.segmentSize)) {
        const segment = manifest.segments.length
        if (segment === limit) throw new ObjectTooLargeError(limit * this.segmentSize)
        const { shards, hashes } = encodeSegment(this.code, objectKey, idBytes, segment, plaintext)
        const length = plaintext.byteLength
        manifest.segments.push({ length, shards: hashes })
        manifest.size += length
        await window.add(async () => {
          const failed = await onEveryStore(stores, manifest.namespaces, shardKey(objectId, segment), async (store, i) => store.put(shardKey(objectId, segment), shardValue(idBytes, segment, i, shards[i])))
          failures.push(...failed)
          if (failed.length > 0) throw new ShardWriteError(objectId, 'put', failed)
          progress.bytes += length
          progress.segments++
          options.onProgress?.({ ...progress })
        })
      }
      await window.drain()
      const sealed = sealManifest(this.master, manifest)
      failures.push(...await onEveryStore(stores, manifest.namespaces, manifestKey(objectId), async store => store.put(manifestKey(objectId), sealed)))
      if (failures.length > 0) throw new ShardWriteError(objectId, 'put', failures)
      return infoOf(manifest)
    } catch (err) {
      await window.drain().catch(() => {})
      await this.removeQuietly(stores, objectId, manifest.segments.length)
      throw failures.length > 0 ? new ShardWriteError(objectId, 'put', failures) : err
    }
  }

  /** A failed put leaves no shards behind where it can help it. */
  private async removeQuietly (stores: ShardStore[], objectId: string, segments: number): Promise<void> {
    const removeEverywhere = async (key: Uint8Array): Promise<void> => { await Promise.all(stores.map(async store => store.delete(key).catch(() => {}))) }
    await forEachBounded(segments, this.segmentsInFlight, async segment => removeEverywhere(shardKey(objectId, segment)))
    await removeEverywhere(manifestKey(objectId))
  }

  /** The object's manifest: ObjectNotFoundError, StorageKeyError (not ours or altered everywhere). */
  async head (objectId: string): Promise<ObjectInfo> {
    objectIdBytes(objectId)
    return infoOf((await findManifest(this.stripe, this.master, objectId)).manifest)
  }

  /**
   * The object's bytes, segment by segment, reading `prefetch` segments ahead. A segment with
   * fewer than k good shards ends the stream with a NotEnoughShardsError.
   */
  async * get (objectId: string, options: GetOptions = {}): AsyncGenerator<Uint8Array> {
    const idBytes = objectIdBytes(objectId)
    const { manifest } = await findManifest(this.stripe, this.master, objectId)
    const objectKey = unwrapObjectKey(this.master, manifest)
    const stores = this.storesOf(manifest)
    const stop = new AbortController()
    const signal = options.signal != null ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
    const ahead: Array<Promise<Buffer[]>> = []
    const progress = { bytes: 0, segments: 0 }
    let next = 0
    try {
      for (let segment = 0; segment < manifest.segments.length; segment++) {
        options.signal?.throwIfAborted()
        for (; next < manifest.segments.length && next <= segment + this.prefetch; next++) {
          const read = this.readSegment(manifest, stores, idBytes, objectKey, next, signal)
          // awaited in turn below; until then a failure must not count as unhandled
          read.catch(() => {})
          ahead.push(read)
        }
        // aborted reads fail as unreachable shards: the caller's abort is the better reason
        const plaintext = await (ahead.shift() as Promise<Buffer[]>).catch(err => { options.signal?.throwIfAborted(); throw err })
        for (const part of plaintext) {
          options.signal?.throwIfAborted()
          yield part
        }
        progress.bytes += manifest.segments[segment].length
        progress.segments++
        options.onProgress?.({ ...progress })
      }
    } finally {
      stop.abort()
    }
  }

  /**
   * A segment's plaintext from the first k shards in, checked by GCM alone; when GCM refuses,
   * once more from shards that each match the manifest's sha256 (a damaged shard is left out
   * and another read in its place).
   */
  private async readSegment (manifest: Manifest, stores: Array<ShardStore | undefined>, idBytes: Buffer, objectKey: Buffer, segment: number, signal: AbortSignal): Promise<Buffer[]> {
    try {
      return await this.decodeSegment(manifest, stores, idBytes, objectKey, segment, { extra: this.extraReads, hash: false, signal })
    } catch (err: any) {
      if (err.name !== 'StorageKeyError') throw err
      return this.decodeSegment(manifest, stores, idBytes, objectKey, segment, { extra: this.extraReads, hash: true, signal })
    }
  }

  private async decodeSegment (manifest: Manifest, stores: Array<ShardStore | undefined>, idBytes: Buffer, objectKey: Buffer, segment: number, options: ShardReadOptions): Promise<Buffer[]> {
    const k = manifest.dataShards
    const reads = await readShards(stores, manifest, idBytes, segment, k, options)
    const good = reads.map(r => r?.shard)
    const count = good.filter(s => s != null).length
    if (count < k) throw new NotEnoughShardsError(manifest.objectId, segment, count, k, problemsOf(reads))
    const { length } = manifest.segments[segment]
    const data = good.slice(0, k).every(s => s != null) ? good.slice(0, k) as Uint8Array[] : rebuildStripe(this.code, good, shardBytesOf(length, k)).slice(0, k)
    return decryptSegment(objectKey, manifest.objectId, idBytes, segment, length, data)
  }

  /** Reads every shard and manifest copy: how each namespace holds the object. */
  async status (objectId: string, options: { onProgress?: OnProgress } = {}): Promise<ObjectStatus> {
    objectIdBytes(objectId)
    const { manifest, json } = await findManifest(this.stripe, this.master, objectId)
    return inspectObject(this.context(), manifest, json, options.onProgress)
  }

  /**
   * Rebuilds every missing or corrupt shard from k good ones and rewrites it, to its namespace or
   * to the one `replace` gives for that shard index (then the manifest names the replacement in
   * every namespace, and new objects go there too); rewrites missing or damaged manifest copies.
   */
  async repair (objectId: string, options: RepairOptions = {}): Promise<RepairReport> {
    objectIdBytes(objectId)
    const { manifest, json } = await findManifest(this.stripe, this.master, objectId)
    const report = await repairObject(this.context(), manifest, json, options)
    for (const { from, to } of report.replaced) {
      const replacement = this.known.get(to) as ShardStore
      const at = this.stripe.findIndex(s => s.id === from)
      if (at >= 0) this.stripe[at] = replacement
    }
    return report
  }

  private context (): Parameters<typeof inspectObject>[0] {
    return {
      code: this.code,
      master: this.master,
      segmentsInFlight: this.segmentsInFlight,
      storesOf: manifest => this.storesOf(manifest),
      adopt: store => { this.known.set(store.id, store) }
    }
  }

  /**
   * Deletes every shard, then every manifest copy. When a namespace cannot be reached the
   * manifests stay (so the delete can be retried) and a ShardWriteError says where it failed.
   */
  async delete (objectId: string): Promise<void> {
    objectIdBytes(objectId)
    const { manifest } = await findManifest(this.stripe, this.master, objectId)
    const stores = this.storesOf(manifest)
    const deleteEverywhere = async (key: Uint8Array): Promise<WriteFailure[]> => onEveryStore(stores, manifest.namespaces, key, async store => store.delete(key))
    const failures: WriteFailure[] = []
    await forEachBounded(manifest.segments.length, this.segmentsInFlight, async segment => { failures.push(...await deleteEverywhere(shardKey(objectId, segment))) })
    if (failures.length === 0) failures.push(...await deleteEverywhere(manifestKey(objectId)))
    if (failures.length > 0) throw new ShardWriteError(objectId, 'delete', failures)
  }

  /** The objects whose manifest any namespace of the stripe lists (the `m/` keys), oldest first. */
  async list (): Promise<ListResult> {
    const ids = new Set<string>()
    const result: ListResult = { objects: [], unreadable: [], unreachable: [] }
    await Promise.all(this.stripe.map(async store => {
      if (store.keys == null) return result.unreachable.push({ namespace: store.id, reason: 'this ShardStore cannot list its keys' })
      try {
        for await (const key of store.keys(MANIFEST_PREFIX)) ids.add(Buffer.from(key).subarray(MANIFEST_PREFIX.byteLength).toString())
      } catch (err: any) {
        result.unreachable.push({ namespace: store.id, reason: err.message ?? String(err) })
      }
    }))
    const listed = [...ids]
    await forEachBounded(listed.length, 8, async i => {
      const objectId = listed[i]
      try {
        result.objects.push(await this.head(objectId))
      } catch (err: any) {
        result.unreadable.push({ objectId, error: err.message })
      }
    })
    result.objects.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.objectId.localeCompare(b.objectId))
    return result
  }
}
