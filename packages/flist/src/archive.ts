import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { CarIndexer, CarWriter } from '@ipld/car'
import { blockLength, createWriter, headerLength } from '@ipld/car/buffer-writer'
import { MAX_BLOCK_BYTES, isFlistCid, manifestCid, verifyBlock } from './block.js'
import { BlockTooLargeError, InvalidFlistError } from './errors.js'
import type { BlockStore } from './block-store.js'
import type { CID } from 'multiformats/cid'
import type { FileHandle } from 'node:fs/promises'

/*
 * The build output: a CARv1 file whose single root is the flist's manifest CID and which
 * holds every block of the flist exactly once (data blocks, then the manifest pages, then
 * the root manifest block).
 */

export interface ArchiveBlock { cid: CID, bytes: Uint8Array }

/** Bytes of blocks gathered before one write: many small blocks per system call; always room for a 512 KiB block. */
const WRITE_BYTES = 2 * 1024 * 1024

/** @ipld/car's encoder of a CARv1 section into a buffer. */
type CarBuffer = ReturnType<typeof createWriter>

/** A CID's bytes as a string: a Set key that costs less to make than its base32 text. */
const keyOf = (cid: CID): string => Buffer.from(cid.bytes.buffer, cid.bytes.byteOffset, cid.bytes.byteLength).toString('latin1')

/** Writes `bytes` at the descriptor's position, through short writes. */
async function writeAll (fd: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength;) {
    const { bytesWritten } = await fd.write(bytes, offset, bytes.byteLength - offset)
    offset += bytesWritten
  }
}

/**
 * Writes an archive while the tree is chunked: the root is not known until the end, so the
 * header names a placeholder of the same length (a manifest CID) that finish() overwrites.
 * Blocks are encoded into one of two buffers; a full one is written while the other fills,
 * so put() waits only when the disk is behind. Written under a temporary name and renamed at
 * the end: an interrupted build leaves no archive under `path`.
 */
export class ArchiveWriter {
  private readonly seen = new Set<string>()
  /** Distinct blocks and their bytes written so far. */
  blocks = 0
  bytes = 0
  private filling = createWriter(new ArrayBuffer(WRITE_BYTES), { headerSize: 0 })
  private spare = new ArrayBuffer(WRITE_BYTES)
  /** The write of the buffer filled before; settled before that buffer is reused. */
  private writing: Promise<void> = Promise.resolve()

  private constructor (readonly path: string, private readonly tmp: string, private readonly fd: FileHandle) {}

  static async create (path: string): Promise<ArchiveWriter> {
    const roots = [await manifestCid(new Uint8Array())]
    const header = createWriter(new ArrayBuffer(headerLength({ roots })), { roots }).close()
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`
    const fd = await open(tmp, 'wx+')
    try {
      await writeAll(fd, header)
    } catch (err) {
      await fd.close()
      await rm(tmp, { force: true })
      throw err
    }
    return new ArchiveWriter(path, tmp, fd)
  }

  has (cid: CID): boolean {
    return this.seen.has(keyOf(cid))
  }

  /** Adds the block unless it is already in the archive; true when it was new. The bytes are copied before it returns. */
  async put (cid: CID, bytes: Uint8Array): Promise<boolean> {
    const key = keyOf(cid)
    if (this.seen.has(key)) return false
    if (bytes.byteLength > MAX_BLOCK_BYTES) throw new BlockTooLargeError(cid.toString(), bytes.byteLength, MAX_BLOCK_BYTES)
    this.seen.add(key)
    this.blocks++
    this.bytes += bytes.byteLength
    if (this.filling.byteOffset + blockLength({ cid, bytes }) > this.filling.bytes.byteLength) await this.flush()
    this.filling.write({ cid, bytes })
    return true
  }

  /** Starts writing the buffer being filled, once the write before it is done, and fills the other one. */
  private async flush (): Promise<void> {
    await this.writing
    const full: CarBuffer = this.filling
    this.filling = createWriter(this.spare, { headerSize: 0 })
    this.spare = full.bytes.buffer as ArrayBuffer
    this.writing = writeAll(this.fd, full.bytes.subarray(0, full.byteOffset))
    this.writing.catch(() => {}) // surfaced by the next flush, finish() or abort()
  }

  /** Closes the archive with `root` in its header and moves it to its path. */
  async finish (root: CID): Promise<void> {
    await this.flush()
    await this.writing
    await CarWriter.updateRootsInFile(this.fd, [root])
    await this.fd.close()
    await rename(this.tmp, this.path)
  }

  async abort (): Promise<void> {
    await this.writing.catch(() => {})
    await this.fd.close().catch(() => {})
    await rm(this.tmp, { force: true })
  }
}

/**
 * Opens an archive: its root, and its blocks one by one, each verified (size first, then hash)
 * before it is yielded. Streams the file; a block is read only after its length is checked,
 * so a hostile archive cannot make us buffer more than one block.
 */
export async function readArchive (path: string): Promise<{ root: CID, blocks: AsyncIterable<ArchiveBlock> }> {
  let indexer: CarIndexer
  let roots: CID[]
  try {
    indexer = await CarIndexer.fromIterable(createReadStream(path))
    roots = await indexer.getRoots()
  } catch (err) {
    throw notAnArchive(path, err)
  }
  if (indexer.version !== 1) throw new InvalidFlistError(`${path}: a CARv${indexer.version}, not a CARv1`)
  if (roots.length !== 1) throw new InvalidFlistError(`${path}: has ${roots.length} roots, not one`)
  const root = roots[0]
  if (!isFlistCid(root)) throw new InvalidFlistError(`${path}: its root ${root.toString()} is not a flist manifest CID`)
  async function * blocks (): AsyncGenerator<ArchiveBlock> {
    const fd = await open(path, 'r')
    try {
      for await (const { cid, blockLength, blockOffset } of indexer) {
        if (blockLength > MAX_BLOCK_BYTES) throw new BlockTooLargeError(cid.toString(), blockLength, MAX_BLOCK_BYTES)
        const bytes = new Uint8Array(blockLength)
        const { bytesRead } = await fd.read(bytes, 0, blockLength, blockOffset)
        if (bytesRead !== blockLength) throw new InvalidFlistError(`${path}: block ${cid.toString()} is cut short`)
        await verifyBlock(cid, bytes)
        yield { cid, bytes }
      }
    } catch (err) {
      throw notAnArchive(path, err)
    } finally {
      await fd.close()
    }
  }
  return { root, blocks: blocks() }
}

/** The CAR decoder's own words ("Unexpected end of data") as an error naming the file; ours and the file system's pass through. */
function notAnArchive (path: string, err: any): Error {
  if (err instanceof InvalidFlistError || err instanceof BlockTooLargeError || err?.name === 'BlockHashMismatchError' || err?.syscall != null) return err
  return new InvalidFlistError(`${path} is not a flist file (a CARv1 archive from p2pcloud flist build): ${err?.message as string}`)
}

/** Puts every block of an archive into `store` (each verified); returns the flist's CID. */
export async function importArchive (path: string, store: BlockStore): Promise<CID> {
  const { root, blocks } = await readArchive(path)
  for await (const { cid, bytes } of blocks) await store.put(cid, bytes)
  return root
}
