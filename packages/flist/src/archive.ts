import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CarIndexer, CarWriter } from '@ipld/car'
import { MAX_BLOCK_BYTES, isFlistCid, manifestCid, verifyBlock } from './block.js'
import { BlockTooLargeError, InvalidFlistError } from './errors.js'
import type { BlockStore } from './block-store.js'
import type { BlockWriter } from '@ipld/car/writer'
import type { CID } from 'multiformats/cid'

/*
 * The build output: a CARv1 file whose single root is the flist's manifest CID and which
 * holds every block of the flist exactly once (data blocks, then the manifest pages, then
 * the root manifest block).
 */

export interface ArchiveBlock { cid: CID, bytes: Uint8Array }

/**
 * Writes an archive while the tree is chunked: the root is not known until the end, so the
 * header names a placeholder of the same length (a manifest CID) that finish() overwrites.
 * Written under a temporary name and renamed at the end: an interrupted build leaves no
 * archive under `path`.
 */
export class ArchiveWriter {
  private readonly seen = new Set<string>()
  /** Distinct blocks and their bytes written so far. */
  blocks = 0
  bytes = 0

  private constructor (readonly path: string, private readonly tmp: string, private readonly writer: BlockWriter, private readonly done: Promise<void>) {}

  static async create (path: string): Promise<ArchiveWriter> {
    const placeholder = await manifestCid(new Uint8Array())
    const { writer, out } = CarWriter.create([placeholder])
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`
    const done = pipeline(Readable.from(out), createWriteStream(tmp))
    done.catch(() => {}) // surfaced by finish() or abort()
    return new ArchiveWriter(path, tmp, writer, done)
  }

  has (cid: CID): boolean {
    return this.seen.has(cid.toString())
  }

  /** Adds the block unless it is already in the archive; true when it was new. */
  async put (cid: CID, bytes: Uint8Array): Promise<boolean> {
    if (this.has(cid)) return false
    this.seen.add(cid.toString())
    this.blocks++
    this.bytes += bytes.byteLength
    await this.writer.put({ cid, bytes })
    return true
  }

  /** Closes the archive with `root` in its header and moves it to its path. */
  async finish (root: CID): Promise<void> {
    await this.writer.close()
    await this.done
    const fd = await open(this.tmp, 'r+')
    try {
      await CarWriter.updateRootsInFile(fd, [root])
    } finally {
      await fd.close()
    }
    await rename(this.tmp, this.path)
  }

  async abort (): Promise<void> {
    await this.writer.close().catch(() => {})
    await this.done.catch(() => {})
    await rm(this.tmp, { force: true })
  }
}

/**
 * Opens an archive: its root, and its blocks one by one, each verified (size first, then hash)
 * before it is yielded. Streams the file; a block is read only after its length is checked,
 * so a hostile archive cannot make us buffer more than one block.
 */
export async function readArchive (path: string): Promise<{ root: CID, blocks: AsyncIterable<ArchiveBlock> }> {
  const indexer = await CarIndexer.fromIterable(createReadStream(path))
  const roots = await indexer.getRoots()
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
    } finally {
      await fd.close()
    }
  }
  return { root, blocks: blocks() }
}

/** Puts every block of an archive into `store` (each verified); returns the flist's CID. */
export async function importArchive (path: string, store: BlockStore): Promise<CID> {
  const { root, blocks } = await readArchive(path)
  for await (const { cid, bytes } of blocks) await store.put(cid, bytes)
  return root
}
