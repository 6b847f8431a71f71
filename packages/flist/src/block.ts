import { createHash, webcrypto } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from 'multiformats/hashes/sha2'
import { BlockHashMismatchError, BlockTooLargeError } from './errors.js'

/** Largest block, data and manifest alike (ThreeFold's 512 KiB); files are chunked at exactly this size. */
export const MAX_BLOCK_BYTES = 512 * 1024

/** Codec of data blocks: raw bytes (0x55). */
export const RAW_CODEC = raw.code
/** Codec of manifest blocks (root and pages): protobuf (0x50). */
export const MANIFEST_CODEC = 0x50

/**
 * Blocks from this size on are hashed on libuv's threadpool (webcrypto), in parallel with the
 * event loop; smaller ones at once, where the hop to the threadpool would cost more than the hash.
 */
const THREADPOOL_HASH_BYTES = 64 * 1024

/** The sha2-256 of `bytes`, as a plain Uint8Array like multiformats' sha256 gives. */
async function sha256Of (bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes.byteLength >= THREADPOOL_HASH_BYTES) return new Uint8Array(await webcrypto.subtle.digest('SHA-256', bytes))
  const digest = createHash('sha256').update(bytes).digest()
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength)
}

/** The CID of a data block: CIDv1, raw, sha2-256. */
export async function blockCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(RAW_CODEC, Digest.create(sha256.code, await sha256Of(bytes)))
}

/** The CID of a manifest block: CIDv1, protobuf, sha2-256. */
export async function manifestCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(MANIFEST_CODEC, Digest.create(sha256.code, await sha256Of(bytes)))
}

/** True for the CIDs this format uses: v1, raw or protobuf codec, sha2-256 of 32 bytes. */
export function isFlistCid (cid: CID): boolean {
  return cid.version === 1 && (cid.code === RAW_CODEC || cid.code === MANIFEST_CODEC) &&
    cid.multihash.code === sha256.code && cid.multihash.size === 32
}

/** Throws unless `bytes` is at most MAX_BLOCK_BYTES and hashes to `cid` (any codec: the hash is of the bytes). */
export async function verifyBlock (cid: CID, bytes: Uint8Array): Promise<void> {
  if (bytes.byteLength > MAX_BLOCK_BYTES) throw new BlockTooLargeError(cid.toString(), bytes.byteLength, MAX_BLOCK_BYTES)
  if (!isFlistCid(cid)) throw new BlockHashMismatchError(cid.toString(), 'not a CIDv1 with codec raw or protobuf and a sha2-256 multihash')
  if (Buffer.compare(await sha256Of(bytes), cid.multihash.digest) !== 0) throw new BlockHashMismatchError(cid.toString())
}
