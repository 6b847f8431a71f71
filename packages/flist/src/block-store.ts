import { randomBytes } from 'node:crypto'
import { mkdir, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pathUnder } from '@p2pcloud/node'
import { CID } from 'multiformats/cid'
import { verifyBlock } from './block.js'
import { BlockHashMismatchError, BlockNotFoundError } from './errors.js'
import type { AbortOptions } from '@libp2p/interface'

/** Something blocks can be read from: a local store, or the mesh (the exchange's fetcher). */
export interface BlockGetter {
  /** The block's bytes, verified against `cid`; BlockNotFoundError when there is none. */
  get(cid: CID, options?: AbortOptions): Promise<Uint8Array>
}

/** A local store of verified blocks. */
export interface BlockStore extends BlockGetter {
  has(cid: CID): Promise<boolean>
  /** Verifies the bytes against `cid` first (BlockHashMismatchError, BlockTooLargeError); storing a held block again is a no-op. */
  put(cid: CID, bytes: Uint8Array): Promise<void>
  /** Removes the block; no error when it is not held. */
  delete(cid: CID): Promise<void>
}

const TMP = 'tmp'

/**
 * Blocks as files, `dir/<2 chars>/<cid>` (the two characters before the CID's last one: the
 * base32 CIDs all begin with "ba", their ends are spread evenly). A block is written to
 * `dir/tmp/` and renamed into place, so a crash never leaves half a block under its name.
 */
export class FsBlockStore implements BlockStore {
  private bytesHeld: number | undefined
  /** Puts in progress by CID: a second put of the same block waits for the first. */
  private readonly writing = new Map<string, Promise<void>>()
  private readonly ready: Promise<void>
  /** Shard directories known to exist: a block write is then one mkdir call fewer. */
  private readonly shards = new Set<string>()

  constructor (readonly dir: string) {
    // leftovers of writes a crash interrupted
    this.ready = rm(join(dir, TMP), { recursive: true, force: true }).then(async () => { await mkdir(join(dir, TMP), { recursive: true }) })
  }

  private pathOf (cid: CID): string {
    const name = cid.toString()
    return pathUnder(this.dir, name.slice(-3, -1), name)
  }

  async has (cid: CID): Promise<boolean> {
    try {
      await stat(this.pathOf(cid))
      return true
    } catch (err: any) {
      if (err.code === 'ENOENT') return false
      throw err
    }
  }

  async get (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    options?.signal?.throwIfAborted()
    let bytes: Uint8Array
    try {
      bytes = await readFile(this.pathOf(cid), { signal: options?.signal })
    } catch (err: any) {
      if (err.code === 'ENOENT') throw new BlockNotFoundError(cid.toString())
      throw err
    }
    try {
      await verifyBlock(cid, bytes)
    } catch (err) {
      // corrupted on disk: drop it so that it is fetched again
      await this.delete(cid)
      throw new BlockHashMismatchError(cid.toString(), `corrupted in the store (${(err as Error).message}); deleted`)
    }
    return bytes
  }

  async put (cid: CID, bytes: Uint8Array): Promise<void> {
    await verifyBlock(cid, bytes)
    return this.putVerified(cid, bytes)
  }

  /**
   * put without hashing the bytes again: only for bytes the caller has just checked with
   * verifyBlock against `cid` (the fetcher does, on receipt, to know which provider to blame).
   */
  async putVerified (cid: CID, bytes: Uint8Array): Promise<void> {
    const key = cid.toString()
    const pending = this.writing.get(key)
    if (pending !== undefined) return pending
    const write = this.write(cid, bytes).finally(() => this.writing.delete(key))
    this.writing.set(key, write)
    return write
  }

  private async write (cid: CID, bytes: Uint8Array): Promise<void> {
    await this.ready
    if (await this.has(cid)) return
    const path = this.pathOf(cid)
    const shard = join(path, '..')
    if (!this.shards.has(shard)) {
      await mkdir(shard, { recursive: true })
      this.shards.add(shard)
    }
    const tmp = join(this.dir, TMP, `${cid.toString()}.${randomBytes(6).toString('hex')}`)
    await writeFile(tmp, bytes)
    await rename(tmp, path)
    if (this.bytesHeld !== undefined) this.bytesHeld += bytes.byteLength
  }

  async delete (cid: CID): Promise<void> {
    const path = this.pathOf(cid)
    let size: number
    try {
      size = (await stat(path)).size
      await unlink(path)
    } catch (err: any) {
      if (err.code === 'ENOENT') return
      throw err
    }
    if (this.bytesHeld !== undefined) this.bytesHeld -= size
  }

  /** Bytes of the blocks held (scanned once, then kept up to date). */
  async size (): Promise<number> {
    if (this.bytesHeld === undefined) {
      let total = 0
      for (const shard of await readdir(this.dir).catch(() => [])) {
        if (shard === TMP) continue
        for (const name of await readdir(join(this.dir, shard))) total += (await stat(join(this.dir, shard, name))).size
      }
      this.bytesHeld ??= total
    }
    return this.bytesHeld
  }
}

/** A CID from its text form, or a clear error. */
export function parseCid (text: string): CID {
  try {
    return CID.parse(text)
  } catch (err) {
    throw new TypeError(`not a CID: ${JSON.stringify(text)} (${(err as Error).message})`)
  }
}
