import { closeSync, open, read } from 'node:fs'
import { blockCid } from './block.js'
import { FLIST_LIMITS, blocksFor, chunkSize } from './manifest.js'
import type { CID } from 'multiformats/cid'

/** Where chunked blocks go: the archive being written, or a staging store. */
export type BlockSink = (cid: CID, bytes: Uint8Array) => Promise<unknown>

/** What chunking one file gives: its size and the CIDs of its blocks in order. */
export interface Chunked { size: number, blocks: CID[] }

/**
 * Cuts a byte stream into blocks of exactly chunkBytes (the last one shorter) and hands each
 * to `sink` as soon as it is full, so at most one block is held at a time.
 */
export async function chunkStream (source: AsyncIterable<Uint8Array>, sink: BlockSink, onBytes?: (n: number) => void): Promise<Chunked> {
  const chunk = FLIST_LIMITS.chunkBytes
  const blocks: CID[] = []
  // the pieces of the block being filled: no 512 KiB buffer per small file, no copy of aligned reads
  let pieces: Uint8Array[] = []
  let filled = 0
  let size = 0
  const emit = async (bytes: Uint8Array): Promise<void> => {
    const cid = await blockCid(bytes)
    await sink(cid, bytes)
    blocks.push(cid)
  }
  const take = (): Uint8Array => {
    const bytes = pieces.length === 1 ? pieces[0] : Buffer.concat(pieces, filled)
    pieces = []
    filled = 0
    return bytes
  }
  for await (const data of source) {
    let offset = 0
    while (offset < data.byteLength) {
      const n = Math.min(chunk - filled, data.byteLength - offset)
      pieces.push(data.subarray(offset, offset + n))
      filled += n
      offset += n
      if (filled === chunk) await emit(take())
    }
    size += data.byteLength
    onBytes?.(data.byteLength)
  }
  if (filled > 0) await emit(take())
  return { size, blocks }
}

/** Reads of blocks at once, at most: enough to keep libuv's threadpool busy on small files. */
const READS_AHEAD = 32
/** The memory blocks are read ahead into; at least one block. */
const READ_AHEAD_BYTES = 4 * 1024 * 1024

/**
 * The memory blocks are read into. Regions are given back in the order they were taken (blocks
 * are consumed in the order they are read), so one buffer serves every block and reading
 * allocates nothing: no garbage for the collector, no fresh pages for the kernel to map.
 */
class Ring {
  private readonly memory: Buffer
  private head = 0
  /** Bytes taken, the ends skipped to wrap around included. */
  used = 0
  private readonly taken: number[] = []

  constructor (readonly size: number) {
    this.memory = Buffer.allocUnsafe(size)
  }

  /** `length` contiguous bytes after the regions in use, or undefined when they do not fit now. */
  take (length: number): Buffer | undefined {
    if (this.used === 0) this.head = 0
    const wraps = this.head + length > this.size
    const skipped = wraps ? this.size - this.head : 0
    if (this.used + skipped + length > this.size) return undefined
    if (wraps) this.head = 0
    const region = this.memory.subarray(this.head, this.head + length)
    this.head += length
    this.used += skipped + length
    this.taken.push(skipped + length)
    return region
  }

  /** Gives back the oldest region taken. */
  give (): void {
    this.used -= this.taken.shift() ?? 0
  }
}

/** A file on disk read block by block through one descriptor, closed once its last read is done. */
class DiskFile {
  readonly count: number
  private opened?: Promise<number>
  private reading = 0
  private started = 0

  constructor (readonly path: string, readonly size: number) {
    this.count = blocksFor(size)
  }

  /** Block `index` read into `region`: its bytes (fewer when the file has shrunk since) and CID. */
  async read (index: number, region: Buffer): Promise<{ bytes: Uint8Array, cid: CID }> {
    this.started++
    this.reading++
    try {
      this.opened ??= new Promise((resolve, reject) => { open(this.path, 'r', (err, fd) => { if (err === null) resolve(fd); else reject(err) }) })
      const bytes = await readFully(await this.opened, region, index * FLIST_LIMITS.chunkBytes)
      return { bytes, cid: await blockCid(bytes) }
    } finally {
      this.reading--
      if (this.started === this.count) await this.close()
    }
  }

  /** Closes the descriptor unless a read is still using it; also for files whose reads were not all started. */
  async close (): Promise<void> {
    if (this.reading > 0 || this.opened === undefined) return
    const opened = this.opened
    this.opened = undefined
    const fd = await opened.catch(() => undefined)
    // closing a descriptor opened for reading does no I/O: done here rather than through the threadpool
    if (fd !== undefined) closeSync(fd)
  }
}

/** Fills `buffer` from `position`; fewer bytes at the end of the file. */
async function readFully (fd: number, buffer: Buffer, position: number): Promise<Buffer> {
  let filled = 0
  while (filled < buffer.byteLength) {
    const n = await new Promise<number>((resolve, reject) => { read(fd, buffer, filled, buffer.byteLength - filled, position + filled, (err, bytesRead) => { if (err === null) resolve(bytesRead); else reject(err) }) })
    if (n === 0) break
    filled += n
  }
  return filled === buffer.byteLength ? buffer : buffer.subarray(0, filled)
}

type Settled<T> = { ok: true, value: T } | { ok: false, error: unknown }

/**
 * Chunks files on disk, yielding each file's result in the order given and handing the blocks
 * to `sink` in that order too (so the same files always give the same sequence). The blocks of
 * the files to come are read and hashed ahead, several at once, into READ_AHEAD_BYTES of memory
 * that is reused: `sink` must copy what it keeps, the bytes are overwritten once it has settled.
 * `size` is the size the caller saw (lstat): a file is read up to it; one that has shrunk since
 * ends where its data ends.
 */
export async function * chunkFiles (files: Array<{ path: string, size: number }>, sink: BlockSink, onBytes?: (n: number) => void): AsyncGenerator<Chunked> {
  const disk = files.map(file => new DiskFile(file.path, file.size))
  function * blocksToRead (): Generator<{ file: DiskFile, index: number }> {
    for (const file of disk) for (let index = 0; index < file.count; index++) yield { file, index }
  }
  const plan = blocksToRead()
  let planned = plan.next()
  const ring = new Ring(READ_AHEAD_BYTES)
  // reads started and not yet consumed, oldest first
  const reads: Array<Promise<Settled<{ bytes: Uint8Array, cid: CID }>>> = []
  // Reads start in bursts, once half the window is free: a burst wakes libuv's idle threads
  // once, where starting one read per finished one would wake a thread each time.
  const readAhead = (): void => {
    if (reads.length > READS_AHEAD / 2 || ring.used > ring.size / 2) return
    while (planned.done !== true && reads.length < READS_AHEAD) {
      const { file, index } = planned.value
      const region = ring.take(chunkSize(file.size, index))
      if (region === undefined) break
      reads.push(file.read(index, region).then(value => ({ ok: true, value }), error => ({ ok: false, error })))
      planned = plan.next()
    }
  }
  try {
    for (const file of disk) {
      const chunked: Chunked = { size: 0, blocks: [] }
      let ended = false
      for (let index = 0; index < file.count; index++) {
        readAhead()
        // this block's read was started: every region consumed so far has been given back
        const read = await reads.shift()
        if (read === undefined) throw new Error('chunkFiles: a block was not read')
        if (!read.ok) throw read.error
        const { bytes, cid } = read.value
        if (!ended) {
          ended = bytes.byteLength < chunkSize(file.size, index)
          if (bytes.byteLength > 0) {
            await sink(cid, bytes)
            chunked.blocks.push(cid)
            chunked.size += bytes.byteLength
            onBytes?.(bytes.byteLength)
          }
        }
        ring.give()
      }
      yield chunked
    }
  } finally {
    await Promise.all(reads)
    await Promise.all(disk.map(async file => file.close()))
  }
}
