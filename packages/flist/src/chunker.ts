import { blockCid } from './block.js'
import { FLIST_LIMITS } from './manifest.js'
import type { CID } from 'multiformats/cid'

/** Where chunked blocks go: the archive being written, or a staging store. */
export type BlockSink = (cid: CID, bytes: Uint8Array) => Promise<unknown>

/**
 * Cuts a byte stream into blocks of exactly chunkBytes (the last one shorter) and hands each
 * to `sink` as soon as it is full, so at most one block is held at a time.
 */
export async function chunkStream (source: AsyncIterable<Uint8Array>, sink: BlockSink, onBytes?: (n: number) => void): Promise<{ size: number, blocks: CID[] }> {
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
