import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { BlockHashMismatchError, BlockTooLargeError } from './errors.js'

/** Largest block, data and manifest alike (ThreeFold's 512 KiB); files are chunked at exactly this size. */
export const MAX_BLOCK_BYTES = 512 * 1024

/** Codec of data blocks: raw bytes (0x55). */
export const RAW_CODEC = raw.code
/** Codec of manifest blocks (root and pages): protobuf (0x50). */
export const MANIFEST_CODEC = 0x50

/** The CID of a data block: CIDv1, raw, sha2-256. */
export async function blockCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(RAW_CODEC, await sha256.digest(bytes))
}

/** The CID of a manifest block: CIDv1, protobuf, sha2-256. */
export async function manifestCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(MANIFEST_CODEC, await sha256.digest(bytes))
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
  const digest = await sha256.digest(bytes)
  if (Buffer.compare(digest.digest, cid.multihash.digest) !== 0) throw new BlockHashMismatchError(cid.toString())
}
