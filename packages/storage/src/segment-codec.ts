import { StorageKeyError } from './errors.js'
import type { ErasureCode } from './erasure.js'
import { segmentAad, segmentNonce, sha256 } from './format.js'
import { TAG_BYTES, openParts, seal } from './keys.js'

/** Shard bytes of a segment of `length` plaintext bytes: its ciphertext and tag over k shards, the last one padded. */
export const shardBytesOf = (length: number, dataShards: number): number => Math.ceil((length + TAG_BYTES) / dataShards)

export interface EncodedSegment {
  shards: Uint8Array[]
  /** sha256 (base64) of each shard, for the manifest. */
  hashes: string[]
}

/** Encrypts segment i under the object key and erasure-codes it into k+m shards. */
export function encodeSegment (code: ErasureCode, objectKey: Uint8Array, objectId: Buffer, segment: number, plaintext: Uint8Array): EncodedSegment {
  const shardBytes = shardBytesOf(plaintext.byteLength, code.dataShards)
  // zeroed: the bytes after the ciphertext are the padding of the last data shard
  const stripe = Buffer.alloc(shardBytes * code.total)
  seal(objectKey, segmentNonce(segment), plaintext, segmentAad(objectId, segment)).copy(stripe)
  code.encode(stripe)
  const shards = Array.from({ length: code.total }, (_, i) => stripe.subarray(i * shardBytes, (i + 1) * shardBytes))
  return { shards, hashes: shards.map(sha256) }
}

/**
 * Puts verified shards (undefined where missing) back into one stripe and rebuilds the rest;
 * returns all k+m shards.
 */
export function rebuildStripe (code: ErasureCode, shards: Array<Uint8Array | undefined>, shardBytes: number): Uint8Array[] {
  const stripe = Buffer.alloc(shardBytes * code.total)
  shards.forEach((shard, i) => { if (shard != null) stripe.set(shard, i * shardBytes) })
  code.reconstruct(stripe, shards.map(shard => shard != null))
  return Array.from({ length: code.total }, (_, i) => stripe.subarray(i * shardBytes, (i + 1) * shardBytes))
}

/**
 * The plaintext of segment i from its k data shards, one part per shard that holds ciphertext;
 * GCM checks key, bytes and place.
 */
export function decryptSegment (objectKey: Uint8Array, objectId: string, objectIdBytes: Buffer, segment: number, length: number, dataShards: Uint8Array[]): Buffer[] {
  // the shards hold the ciphertext, then the tag (a short segment's spreads over several shards), then padding
  const ciphertext: Uint8Array[] = []
  const tag = Buffer.alloc(TAG_BYTES)
  let at = 0
  for (const shard of dataShards) {
    const cipherEnd = Math.min(shard.byteLength, Math.max(0, length - at))
    if (cipherEnd > 0) ciphertext.push(shard.subarray(0, cipherEnd))
    const tagEnd = Math.min(shard.byteLength, Math.max(0, length + TAG_BYTES - at))
    if (tagEnd > cipherEnd) tag.set(shard.subarray(cipherEnd, tagEnd), at + cipherEnd - length)
    at += shard.byteLength
  }
  const plaintext = openParts(objectKey, segmentNonce(segment), ciphertext, tag, segmentAad(objectIdBytes, segment))
  if (plaintext == null) throw new StorageKeyError(objectId, `segment ${segment}`)
  return plaintext
}
