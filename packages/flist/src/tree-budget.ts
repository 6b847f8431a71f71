import { formatSize } from '@p2pcloud/node'
import { FlistTooLargeError } from './errors.js'

/** What a peer that materialises flists for others (a farmer) lets one flist take (protocols/flist.md §6). */
export const TREE_LIMITS = {
  /**
   * Each entry is charged its content (a symlink: its target) in whole filesystem blocks of
   * this size, at least one: an empty file, a directory or a link still costs an inode and a
   * directory entry, so the byte limit bounds the number of entries too.
   */
  fsBlockBytes: 4096,
  /** Directories above an entry: deeper trees are refused (the format's 4 096-byte paths allow 2 048). */
  maxDepth: 256
} as const

const sized = (bytes: number): string => `${formatSize(bytes)} (${bytes} bytes)`

/** An entry as the manifest states it, before or after decoding. */
export interface DeclaredEntry { path: string, size: number, target?: string }

/** Disk bytes an entry is charged when materialised: whole filesystem blocks, at least one. */
export function entryDiskBytes (e: DeclaredEntry): number {
  const content = e.size + Buffer.byteLength(e.target ?? '')
  return Math.max(1, Math.ceil(content / TREE_LIMITS.fsBlockBytes)) * TREE_LIMITS.fsBlockBytes
}

/** How much disk one flist may take, and what that is, for the error that refuses it. */
export interface DiskRoom {
  bytes: number
  /** Follows "more than the <bytes>", e.g. "this farmer's flist cache holds". */
  of: string
}

/**
 * The disk one flist will take — its manifest blocks, its materialised tree and its distinct
 * data blocks — added up from what its manifest declares while the manifest is read, and
 * refused (FlistTooLargeError) as soon as the sum goes over the room it has: before the rest
 * of the manifest, or any data block, is fetched. The room is asked again at each check, so
 * flists fetched at once each see what the others declared so far. The data blocks are then
 * held to their declared sizes as they arrive, and the tree's blocks as they are written
 * (materialise), so what lands on disk is what was counted here.
 */
export class DiskBudget {
  private manifestBytes = 0
  private treeBytes = 0
  private blockBytes = 0

  constructor (readonly cid: string, private readonly room: () => DiskRoom) {}

  /** Bytes declared so far. */
  get total (): number { return this.manifestBytes + this.treeBytes + this.blockBytes }

  /** The root's entry count, before any page is fetched: each entry takes at least one filesystem block. */
  expectEntries (count: number): void {
    const least = count * TREE_LIMITS.fsBlockBytes
    this.check(least, `its ${count} entries take at least ${sized(least)} of disk (${formatSize(TREE_LIMITS.fsBlockBytes)} each)`)
  }

  /** A manifest block (the root or a page) as it arrives. */
  addManifestBlock (bytes: number): void {
    this.manifestBytes += bytes
    this.check()
  }

  /** Entries as their page arrives. */
  addEntries (entries: DeclaredEntry[]): void {
    for (const e of entries) {
      const depth = e.path.split('/').length - 1
      if (depth > TREE_LIMITS.maxDepth) throw new FlistTooLargeError(this.cid, `entry ${JSON.stringify(e.path.slice(0, 64))}… is ${depth} directories deep, more than the ${TREE_LIMITS.maxDepth} this peer materialises`)
      this.treeBytes += entryDiskBytes(e)
    }
    this.check()
  }

  /** The distinct data blocks with their declared sizes, once the whole manifest is read. */
  addDataBlocks (sizes: Iterable<number>): void {
    for (const size of sizes) this.blockBytes += size
    this.check()
  }

  private check (more = 0, what = `its manifest declares at least ${sized(this.total)} of disk`): void {
    const room = this.room()
    if (this.total + more <= room.bytes) return
    const parts = `manifest ${formatSize(this.manifestBytes)}, tree ${formatSize(this.treeBytes)}, data blocks ${formatSize(this.blockBytes)}`
    throw new FlistTooLargeError(this.cid, `${what} (so far: ${parts}), more than the ${sized(room.bytes)} ${room.of}`)
  }
}
