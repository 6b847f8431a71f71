import { mkdir, open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { logger } from '@libp2p/logger'
import { Level } from 'level'
import { dataFile, decodeLocation, dropOtherGenerations, encodeLocation, fsyncDirectory, sublevelOfKeys, writeGeneration, type Keys, type Location } from './generations.js'
import { ZdbCorruptRecordError, ZdbDiskFullError, ZdbInputError, ZdbQuotaError } from './errors.js'
import { MAX_KEY_BYTES, MAX_VALUE_BYTES, RECORD_HEADER_BYTES, decodeRecord, encodeRecord, readHeader, type DataRecord } from './record.js'

const log = logger('p2pcloud:zdb:store')

export type NamespaceMode = 'user' | 'seq'

const writeRefused = (written: number, wanted: number): ZdbDiskFullError =>
  new ZdbDiskFullError(`the farmer's disk is full (no space left on device): ${written} of ${wanted} bytes went to disk, and none of them was kept`)

/** ENOSPC from a write or a flush, as a ZdbDiskFullError; anything else as it is. */
function diskFull (wanted: number): (err: any) => never {
  return err => { throw err?.code === 'ENOSPC' ? writeRefused(0, wanted) : err }
}

export interface NamespaceInfo {
  mode: NamespaceMode
  maxBytes: number
  /** Bytes of the records that hold the current values (protocols/zdb.md §7.2); deleted and overwritten ones are not counted. */
  usedBytes: number
  entries: number
}

export interface ScanPage {
  entries: Array<{ key: Uint8Array, size: number }>
  /** Pass as `after` for the next page; absent on the last page. */
  next?: Uint8Array
}

/**
 * tail: bytes of the data file the index covers; seq: the next key of a seq namespace (never reused,
 * even after deletes); live: bytes of the records that hold current values; generation: how many
 * times the data file was compacted (it names the file and the index's sublevel).
 */
interface Meta { mode: NamespaceMode, tail: number, entries: number, seq: number, live: number, generation: number }

/**
 * The data file may outgrow the namespace's size by this fraction before it is compacted, and a
 * compaction runs only when the dead records are at least this fraction of the live ones: each
 * then copies at most 1 / COMPACT_SLACK bytes per byte it frees, however a tenant writes (a twin
 * that shrank its namespace below its values and deletes them one by one included).
 */
const COMPACT_SLACK = 1 / 8

interface PendingWrite {
  record: DataRecord
  bytes: Buffer
  done: PromiseWithResolvers<void>
}


const hex = (key: Uint8Array): string => Buffer.from(key).toString('hex')

/**
 * One zdb namespace on disk: `data` is an append-only file of checksummed records, `index/` a
 * level database from key to the record's place, plus how far the index covers the file.
 * A write is acknowledged once its record is fsynced; writes that arrive together share one
 * write and one fsync. The index follows: after a crash, `open` re-reads the records past the
 * index's tail, cuts a half-written last record, and indexes the rest, so no acknowledged
 * write is lost. The quota counts the records that hold current values; the space of deleted
 * and overwritten ones comes back when the file is compacted (see `compact`).
 */
export class NamespaceStore {
  private queue: PendingWrite[] = []
  private flushing?: Promise<void>
  /** Bytes of queued sets, not yet on disk: counted against the quota. */
  private queuedBytes = 0
  /** Keys of queued writes: what they will be once written (undefined: deleted). */
  private readonly queuedKeys = new Map<string, boolean>()
  private nextSeq = 0n
  private closed = false
  /** Reads under way, and while a compaction swaps the file and index, the promise they wait for. */
  private readers = 0
  private readersDone?: PromiseWithResolvers<void>
  private swapping?: Promise<void>
  /** Key → where its record is. */
  private keys: Keys

  private constructor (
    private readonly dir: string,
    private file: FileHandle,
    private readonly db: Level<Uint8Array, Uint8Array>,
    private readonly mode: NamespaceMode,
    private maxBytes: number,
    private size: number,
    private meta: Meta
  ) {
    this.keys = sublevelOfKeys(db, meta.generation)
  }

  static async open (dir: string, options: { mode: NamespaceMode, maxBytes: number }): Promise<NamespaceStore> {
    await mkdir(dir, { recursive: true })
    const db = new Level<Uint8Array, Uint8Array>(join(dir, 'index'), { keyEncoding: 'view', valueEncoding: 'view' })
    await db.open()
    let file: FileHandle | undefined
    try {
      const metaBytes = await db.get(Buffer.from('meta'))
      const stored: Partial<Meta> = metaBytes != null ? JSON.parse(Buffer.from(metaBytes).toString()) : {}
      const meta: Meta = { mode: options.mode, tail: 0, entries: 0, seq: 0, live: -1, generation: 0, ...stored }
      if (meta.mode !== options.mode) throw new ZdbInputError(`the namespace at ${dir} is in ${meta.mode} mode, not ${options.mode}; a namespace's mode cannot change`)
      await dropOtherGenerations(dir, db, meta.generation)
      file = await open(join(dir, dataFile(meta.generation)), 'a+')
      // a new data file's directory entry must survive a power cut before the first write is acknowledged
      if (metaBytes == null) await fsyncDirectory(dir)
      const store = new NamespaceStore(dir, file, db, options.mode, options.maxBytes, (await file.stat()).size, meta)
      // namespaces written before the live bytes were counted: count them once
      if (meta.live < 0) meta.live = await store.countLive()
      await store.recover(metaBytes == null || stored.live == null)
      store.nextSeq = BigInt(store.meta.seq)
      return store
    } catch (err) {
      await file?.close()
      await db.close()
      throw err
    }
  }

  /** Index the records past the index's tail; cut the file at the first one that is not intact. */
  private async recover (writeMeta: boolean): Promise<void> {
    let at = this.meta.tail
    const records: Array<{ record: DataRecord, at: Location }> = []
    const header = Buffer.alloc(RECORD_HEADER_BYTES)
    while (at < this.size) {
      const { bytesRead } = await this.file.read(header, 0, RECORD_HEADER_BYTES, at)
      const announced = bytesRead === RECORD_HEADER_BYTES ? readHeader(header) : 'a cut header'
      const bytes = typeof announced === 'string' ? undefined : Buffer.alloc(announced.total)
      const record = bytes == null ? announced as string : (await this.file.read(bytes, 0, bytes.byteLength, at)).bytesRead === bytes.byteLength ? decodeRecord(bytes) : 'a cut record'
      if (typeof record === 'string') {
        log('namespace data: %s at offset %d; cutting the file there (%d bytes were never acknowledged)', record, at, this.size - at)
        await this.file.truncate(at)
        this.size = at
        break
      }
      records.push({ record, at: { offset: at, length: (bytes as Buffer).byteLength } })
      at += (bytes as Buffer).byteLength
    }
    // a new namespace writes its meta (and mode) at once
    if (records.length > 0 || this.meta.tail !== this.size || writeMeta) await this.index(records, this.size)
  }

  private async countLive (): Promise<number> {
    let live = 0
    for await (const at of this.keys.values()) live += decodeLocation(at).length
    return live
  }

  info (): NamespaceInfo {
    return { mode: this.mode, maxBytes: this.maxBytes, usedBytes: this.meta.live, entries: this.meta.entries }
  }

  /** A workload update may grow (or shrink) the quota; what is stored stays. */
  resize (maxBytes: number): void {
    this.maxBytes = maxBytes
  }

  /** Stores `value` under `key` (user mode) or under the next sequential key (seq mode: pass no key); resolves with the key once on disk. */
  async set (key: Uint8Array | undefined, value: Uint8Array): Promise<Uint8Array> {
    if (value.byteLength > MAX_VALUE_BYTES) throw new ZdbInputError(`value of ${value.byteLength} bytes; at most ${MAX_VALUE_BYTES}`)
    let chosen: Uint8Array
    if (this.mode === 'seq') {
      if (key != null && key.byteLength > 0) throw new ZdbInputError('this namespace is in seq mode: the farmer chooses the keys, send none')
      chosen = Buffer.alloc(8)
      Buffer.from(chosen.buffer).writeBigUInt64BE(this.nextSeq++, 0)
    } else {
      chosen = checkKey(key)
    }
    await this.append({ kind: 'set', key: chosen, value })
    return chosen
  }

  async get (key: Uint8Array): Promise<Uint8Array | undefined> {
    checkKey(key)
    return this.reading(async () => {
      const at = await this.keys.get(key)
      if (at == null) return undefined
      const { offset, length } = decodeLocation(at)
      const bytes = Buffer.alloc(length)
      const { bytesRead } = await this.file.read(bytes, 0, length, offset)
      const record = bytesRead === length ? decodeRecord(bytes) : 'cut short'
      if (typeof record === 'string' || Buffer.compare(record.key, key) !== 0) {
        throw new ZdbCorruptRecordError(`the record of key ${hex(key)} at offset ${offset} is damaged (${typeof record === 'string' ? record : 'another key'})`)
      }
      return record.value
    })
  }

  async exists (key: Uint8Array): Promise<boolean> {
    checkKey(key)
    return this.reading(async () => (await this.keys.get(key)) != null)
  }

  /** Deletes the key; false when there was none. */
  async delete (key: Uint8Array): Promise<boolean> {
    checkKey(key)
    const queued = this.queuedKeys.get(hex(key))
    if (queued === false || (queued === undefined && !(await this.exists(key)))) return false
    await this.append({ kind: 'delete', key, value: new Uint8Array(0) })
    return true
  }

  /** Keys in byte order after `after`, at most `limit`, with their value sizes. */
  async scan (options: { after?: Uint8Array, limit: number }): Promise<ScanPage> {
    return this.reading(async () => {
      const entries: ScanPage['entries'] = []
      const range = options.after != null && options.after.byteLength > 0 ? { gt: options.after } : {}
      for await (const [key, at] of this.keys.iterator({ ...range, limit: options.limit + 1 })) {
        if (entries.length === options.limit) return { entries, next: entries[entries.length - 1].key }
        const keyBytes = Uint8Array.from(key)
        entries.push({ key: keyBytes, size: decodeLocation(at).length - RECORD_HEADER_BYTES - keyBytes.byteLength })
      }
      return { entries }
    })
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.flushing?.catch(() => {})
    await this.file.close()
    await this.db.close()
  }

  /** Runs a read of the index and file, never across a compaction's swap of them. */
  private async reading<T> (read: () => Promise<T>): Promise<T> {
    while (this.swapping != null) await this.swapping
    this.readers++
    try {
      return await read()
    } finally {
      if (--this.readers === 0) this.readersDone?.resolve()
    }
  }

  private async append (record: DataRecord): Promise<void> {
    if (this.closed) throw new Error('the namespace is closed')
    const bytes = encodeRecord(record)
    // a delete frees space: only sets count against the quota
    if (record.kind === 'set') {
      const used = this.meta.live + this.queuedBytes
      if (used + bytes.byteLength > this.maxBytes) throw new ZdbQuotaError(bytes.byteLength, used, this.maxBytes)
      this.queuedBytes += bytes.byteLength
    }
    this.queuedKeys.set(hex(record.key), record.kind === 'set')
    const done = Promise.withResolvers<void>()
    this.queue.push({ record, bytes, done })
    this.flushing ??= this.flush()
    return done.promise
  }

  /** Writes everything queued with one write and one fsync, then indexes it; repeats while more arrived. */
  private async flush (): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue
      this.queue = []
      const batchBytes = batch.reduce((sum, w) => sum + w.bytes.byteLength, 0)
      try {
        const dead = this.size - this.meta.live
        if (this.size + batchBytes > this.maxBytes * (1 + COMPACT_SLACK) && dead >= this.meta.live * COMPACT_SLACK) await this.compact()
      } catch (err) {
        log.error('could not compact %s: %e', this.dir, err)
      }
      const start = this.size
      let at = start
      const written = batch.map(w => { const place = { offset: at, length: w.bytes.byteLength }; at += w.bytes.byteLength; return place })
      try {
        const wanted = at - start
        const { bytesWritten } = await this.file.writev(batch.map(w => w.bytes)).catch(diskFull(wanted))
        // a short write to a regular file: its disk is full (found by test/disk-full.test.ts: it was acknowledged, cut)
        if (bytesWritten !== wanted) throw writeRefused(bytesWritten, wanted)
        await this.file.datasync().catch(diskFull(wanted))
        this.size = at
        await this.index(batch.map((w, i) => ({ record: w.record, at: written[i] })), at)
        for (const w of batch) w.done.resolve()
      } catch (err) {
        // nothing of this batch is acknowledged: cut what of it reached the file, so that the
        // next batch lands where the index will point (also when the data was written and its
        // index was not: a full disk refuses the index's write as well)
        this.size = start
        await this.file.truncate(start).catch(cutErr => { log.error('could not cut a failed write off the data file: %e', cutErr) })
        for (const w of batch) w.done.reject(err)
      } finally {
        for (const w of batch) {
          if (w.record.kind === 'set') this.queuedBytes -= w.bytes.byteLength
          if (this.queuedKeys.get(hex(w.record.key)) === (w.record.kind === 'set')) this.queuedKeys.delete(hex(w.record.key))
        }
      }
    }
    this.flushing = undefined
  }

  /**
   * Copies the records that hold current values into the next generation's data file and index
   * sublevel, then switches to them with one write of the meta: a crash before it leaves the old
   * generation whole (the next open drops the new one's remains), a crash after it the new one.
   * Runs inside `flush`, so no write lands meanwhile; reads go on until the switch.
   */
  private async compact (): Promise<void> {
    const generation = this.meta.generation + 1
    const { file: out, keys, size } = await writeGeneration(this.dir, this.db, this.keys, this.file, generation)
    const freed = this.size - size
    const swapped = Promise.withResolvers<void>()
    this.swapping = swapped.promise
    try {
      if (this.readers > 0) {
        this.readersDone = Promise.withResolvers<void>()
        await this.readersDone.promise
        this.readersDone = undefined
      }
      const meta = { ...this.meta, tail: size, generation }
      await this.db.put(Buffer.from('meta'), Buffer.from(JSON.stringify(meta)))
      const old = this.file
      this.file = out
      this.keys = keys
      this.size = size
      this.meta = meta
      await old.close()
    } finally {
      this.swapping = undefined
      swapped.resolve()
    }
    await dropOtherGenerations(this.dir, this.db, generation)
    log('compacted %s: %d bytes freed, %d kept', this.dir, freed, size)
  }

  /** Points the index at these records (in file order) and moves its tail to `tail`, in one batch. */
  private async index (records: Array<{ record: DataRecord, at: Location }>, tail: number): Promise<void> {
    /** Key → the length of its live record as this batch leaves it (undefined: none). */
    const current = new Map<string, number | undefined>()
    let { entries, seq, live } = this.meta
    const ops: any[] = []
    for (const { record, at } of records) {
      const id = hex(record.key)
      const before = current.has(id) ? current.get(id) : await this.lengthOf(record.key)
      if (record.kind === 'set') {
        if (before == null) entries++
        live += at.length - (before ?? 0)
        if (this.mode === 'seq') seq = Math.max(seq, Number(Buffer.from(record.key).readBigUInt64BE(0)) + 1)
        ops.push({ type: 'put', sublevel: this.keys, key: record.key, value: encodeLocation(at) })
        current.set(id, at.length)
      } else {
        if (before != null) { entries--; live -= before }
        ops.push({ type: 'del', sublevel: this.keys, key: record.key })
        current.set(id, undefined)
      }
    }
    const meta = { ...this.meta, tail, entries, seq, live }
    ops.push({ type: 'put', key: Buffer.from('meta'), value: Buffer.from(JSON.stringify(meta)) })
    await this.db.batch(ops)
    this.meta = meta
  }

  private async lengthOf (key: Uint8Array): Promise<number | undefined> {
    const at = await this.keys.get(key)
    return at == null ? undefined : decodeLocation(at).length
  }
}

function checkKey (key: Uint8Array | undefined): Uint8Array {
  if (key == null || key.byteLength === 0) throw new ZdbInputError('a key is required (1 to 256 bytes)')
  if (key.byteLength > MAX_KEY_BYTES) throw new ZdbInputError(`key of ${key.byteLength} bytes; at most ${MAX_KEY_BYTES}`)
  return key
}
