import { randomBytes } from 'node:crypto'
import { ArchiveWriter, FLIST_LIMITS, blockCid, encodeManifest, emptyConfig, type FlistEntry } from '@p2pcloud/flist'
import type { CID } from 'multiformats/cid'

/*
 * Flists a hostile tenant publishes to fill a farmer's disk, written with the flist package's
 * own encoder into archives any peer publishes: valid by every rule of the format, hostile only
 * in what they make a farmer store. For the tests and the benchmark of the farmer's flist cache.
 */

const CHUNK = FLIST_LIMITS.chunkBytes
const T = Date.UTC(2025, 0, 1)

const dir = (path: string): FlistEntry => ({ path, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeMs: T, size: 0, blocks: [] })
const file = (path: string, size: number, blocks: CID[]): FlistEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, mtimeMs: T, size, blocks })

async function writeArchive (path: string, data: Uint8Array[], entries: FlistEntry[]): Promise<{ cid: CID, archiveBytes: number }> {
  const writer = await ArchiveWriter.create(path)
  for (const bytes of data) await writer.put(await blockCid(bytes), bytes)
  const manifest = await encodeManifest(entries, { ...emptyConfig(), entrypoint: ['/bin/sh'] })
  for (const block of manifest.slice(1)) await writer.put(block.cid, block.bytes)
  await writer.put(manifest[0].cid, manifest[0].bytes)
  await writer.finish(manifest[0].cid)
  return { cid: manifest[0].cid, archiveBytes: writer.bytes }
}

/**
 * A flist of `declaredBytes` (whole 512 KiB chunks) in files of up to 4 GiB, every chunk the
 * same block: content addressing stores that block once, so the archive holds one 512 KiB block
 * and a manifest of 36 bytes per chunk, while the tree is `declaredBytes` on disk.
 */
export async function writeRepeatedBlockFlist (path: string, declaredBytes: number): Promise<{ cid: CID, archiveBytes: number }> {
  const block = new Uint8Array(CHUNK).fill(0x5a)
  const cid = await blockCid(block)
  const entries = [dir('data')]
  const fileBytes = FLIST_LIMITS.maxFileBlocks * CHUNK
  for (let at = 0, i = 0; at < declaredBytes; at += fileBytes, i++) {
    const size = Math.min(fileBytes, declaredBytes - at)
    entries.push(file(`data/f${i}`, size, new Array(Math.ceil(size / CHUNK)).fill(cid)))
  }
  return writeArchive(path, [block], entries)
}

/**
 * A flist of `files` files that each declare `declaredSize` bytes (one block) while their block
 * is a distinct 512 KiB of random bytes: the manifest understates its blocks by
 * CHUNK / declaredSize, and nothing but a reader holding each block to its chunk's size sees it.
 */
export async function writeUnderstatedFlist (path: string, files: number, declaredSize: number): Promise<{ cid: CID, archiveBytes: number }> {
  const blocks = Array.from({ length: files }, () => new Uint8Array(randomBytes(CHUNK)))
  const entries = [dir('data')]
  for (const [i, bytes] of blocks.entries()) entries.push(file(`data/f${String(i).padStart(4, '0')}`, declaredSize, [await blockCid(bytes)]))
  return writeArchive(path, blocks, entries)
}
