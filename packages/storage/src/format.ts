import { createHash, randomBytes } from 'node:crypto'
import { ZDB_MAX_VALUE_BYTES } from '@p2pcloud/wire'
import { InvalidObjectIdError, ManifestFormatError, StorageKeyError } from './errors.js'
import { NONCE_BYTES, TAG_BYTES, open, seal, type StorageMasterKey } from './keys.js'
import type { ObjectInfo } from './types.js'

/** The object format, version 1 (README "Format"): keys, shard values, nonces, the manifest. */
export const FORMAT_VERSION = 1
export const OBJECT_ID_BYTES = 16

/** A shard value starts with "p2s" 0x01, the object id, the segment (u32 BE) and the shard index (u8). */
const SHARD_MAGIC = Buffer.from([0x70, 0x32, 0x73, FORMAT_VERSION])
export const SHARD_HEADER_BYTES = SHARD_MAGIC.byteLength + OBJECT_ID_BYTES + 4 + 1
/** A manifest value is "p2m" 0x01, a random 12-byte nonce, then the sealed JSON. */
const MANIFEST_MAGIC = Buffer.from([0x70, 0x32, 0x6d, FORMAT_VERSION])
const MANIFEST_HEADER_BYTES = MANIFEST_MAGIC.byteLength + NONCE_BYTES
/** Bytes of manifest JSON that fit one zdb value. */
export const MAX_MANIFEST_JSON_BYTES = ZDB_MAX_VALUE_BYTES - MANIFEST_HEADER_BYTES - TAG_BYTES

export const MANIFEST_PREFIX = Buffer.from('m/')
const OBJECT_KEY_AAD = Buffer.from('object-key:')

export interface SegmentEntry {
  /** Plaintext bytes of the segment. */
  length: number
  /** sha256 (base64) of each of its k+m shards, in shard order. */
  shards: string[]
}

export interface Manifest {
  version: typeof FORMAT_VERSION
  /** 0 when put; each repair that rewrites the manifest adds one (the newest copy wins). */
  revision: number
  objectId: string
  name: string
  size: number
  createdAt: string
  dataShards: number
  parityShards: number
  /** Shard bytes of a full segment. */
  shardSize: number
  /** Plaintext bytes of every segment but the last: dataShards × shardSize − the GCM tag. */
  segmentSize: number
  segments: SegmentEntry[]
  /** The namespace holding shard i of every segment, in shard order. */
  namespaces: string[]
  /** base64 of a random nonce and the object key sealed under the master key. */
  objectKey: string
}

export const infoOf = (m: Manifest): ObjectInfo => ({
  objectId: m.objectId, name: m.name, size: m.size, createdAt: m.createdAt, segments: m.segments.length,
  dataShards: m.dataShards, parityShards: m.parityShards, shardSize: m.shardSize, namespaces: [...m.namespaces]
})

export const newObjectId = (): string => randomBytes(OBJECT_ID_BYTES).toString('hex')

export function objectIdBytes (objectId: string): Buffer {
  if (!/^[0-9a-f]{32}$/.test(objectId)) throw new InvalidObjectIdError(objectId)
  return Buffer.from(objectId, 'hex')
}

export const shardKey = (objectId: string, segment: number): Buffer => Buffer.from(`o/${objectId}/${segment}`)
export const manifestKey = (objectId: string): Buffer => Buffer.from(`m/${objectId}`)
export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64')

function shardHeader (objectId: Buffer, segment: number, index: number): Buffer {
  const header = Buffer.alloc(SHARD_HEADER_BYTES)
  SHARD_MAGIC.copy(header, 0)
  objectId.copy(header, SHARD_MAGIC.byteLength)
  header.writeUInt32BE(segment, SHARD_MAGIC.byteLength + OBJECT_ID_BYTES)
  header.writeUInt8(index, SHARD_HEADER_BYTES - 1)
  return header
}

export const shardValue = (objectId: Buffer, segment: number, index: number, shard: Uint8Array): Buffer =>
  Buffer.concat([shardHeader(objectId, segment, index), shard])

/** The shard in a stored value, or why it is not the one expected there. */
export function parseShardValue (value: Uint8Array, objectId: Buffer, segment: number, index: number, shardBytes: number): Uint8Array | string {
  if (value.byteLength !== SHARD_HEADER_BYTES + shardBytes) return `${value.byteLength} bytes, ${SHARD_HEADER_BYTES + shardBytes} expected`
  if (Buffer.compare(value.subarray(0, SHARD_HEADER_BYTES), shardHeader(objectId, segment, index)) !== 0) return 'its header names another format, object, segment or shard'
  return value.subarray(SHARD_HEADER_BYTES)
}

/** Segment i's nonce: 4 zero bytes and i (u64 BE). Each object has its own key, so no nonce repeats under a key. */
export function segmentNonce (segment: number): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES)
  nonce.writeBigUInt64BE(BigInt(segment), 4)
  return nonce
}

/** Segment i's additional data: the object id and i (u64 BE), so a shard set cannot be moved to another place. */
export function segmentAad (objectId: Buffer, segment: number): Buffer {
  const aad = Buffer.alloc(OBJECT_ID_BYTES + 8)
  objectId.copy(aad, 0)
  aad.writeBigUInt64BE(BigInt(segment), OBJECT_ID_BYTES)
  return aad
}

export function wrapObjectKey (master: StorageMasterKey, objectId: string, objectKey: Uint8Array): string {
  const nonce = randomBytes(NONCE_BYTES)
  return Buffer.concat([nonce, seal(master.bytes, nonce, objectKey, Buffer.concat([OBJECT_KEY_AAD, objectIdBytes(objectId)]))]).toString('base64')
}

export function unwrapObjectKey (master: StorageMasterKey, manifest: Manifest): Buffer {
  const wrapped = Buffer.from(manifest.objectKey, 'base64')
  const key = open(master.bytes, wrapped.subarray(0, NONCE_BYTES), wrapped.subarray(NONCE_BYTES), Buffer.concat([OBJECT_KEY_AAD, objectIdBytes(manifest.objectId)]))
  if (key == null) throw new StorageKeyError(manifest.objectId, 'the object key')
  return key
}

export function sealManifest (master: StorageMasterKey, manifest: Manifest): Buffer {
  const nonce = randomBytes(NONCE_BYTES)
  return Buffer.concat([MANIFEST_MAGIC, nonce, seal(master.bytes, nonce, Buffer.from(JSON.stringify(manifest)), objectIdBytes(manifest.objectId))])
}

export type OpenedManifest = { manifest: Manifest, json: string } | { problem: string }

/** A stored manifest value opened: the manifest, or whether it is damaged or not ours. */
export function openManifest (master: StorageMasterKey, objectId: string, value: Uint8Array): OpenedManifest {
  if (value.byteLength < MANIFEST_HEADER_BYTES || Buffer.compare(value.subarray(0, MANIFEST_MAGIC.byteLength), MANIFEST_MAGIC) !== 0) {
    return { problem: 'not a version 1 manifest' }
  }
  const plaintext = open(master.bytes, value.subarray(MANIFEST_MAGIC.byteLength, MANIFEST_HEADER_BYTES), value.subarray(MANIFEST_HEADER_BYTES), objectIdBytes(objectId))
  if (plaintext == null) return { problem: 'does not decrypt under this twin\'s key' }
  const json = plaintext.toString()
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    throw new ManifestFormatError(objectId, 'not JSON')
  }
  return { manifest: checkManifest(objectId, parsed), json }
}

const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0

function checkManifest (objectId: string, m: any): Manifest {
  const fail = (detail: string): never => { throw new ManifestFormatError(objectId, detail) }
  if (m?.version !== FORMAT_VERSION) fail(`version ${m?.version}, not ${FORMAT_VERSION}`)
  if (m.objectId !== objectId) fail(`it names object ${m.objectId}`)
  if (![m.revision, m.size, m.dataShards, m.parityShards, m.shardSize, m.segmentSize].every(isCount)) fail('a count is not a non-negative integer')
  const total = m.dataShards + m.parityShards
  if (!Array.isArray(m.namespaces) || m.namespaces.length !== total || !m.namespaces.every((n: unknown) => typeof n === 'string')) fail(`namespaces is not ${total} names`)
  if (!Array.isArray(m.segments) || m.segments.length !== Math.ceil(m.size / m.segmentSize)) fail('the segments do not cover the size')
  m.segments.forEach((s: any, i: number) => {
    const expected = i < m.segments.length - 1 ? m.segmentSize : m.size - i * m.segmentSize
    if (s?.length !== expected) fail(`segment ${i} has length ${s?.length}, not ${expected}`)
    if (!Array.isArray(s.shards) || s.shards.length !== total) fail(`segment ${i} does not list ${total} shard checksums`)
  })
  if (typeof m.name !== 'string' || typeof m.createdAt !== 'string' || typeof m.objectKey !== 'string') fail('name, createdAt or objectKey is not a string')
  return m
}

/**
 * Segments a manifest can list and still fit one zdb value: `base` is the manifest with no
 * segments (its name, namespaces and key); each segment adds at most one full entry.
 */
export function maxSegments (base: Manifest): number {
  const entry = JSON.stringify({ length: base.segmentSize, shards: Array(base.dataShards + base.parityShards).fill(sha256(new Uint8Array(0))) }).length + 1
  // the size field grows from "0" to at most 16 digits
  const fixed = Buffer.byteLength(JSON.stringify({ ...base, segments: [], size: 0 })) + 16
  return Math.max(0, Math.floor((MAX_MANIFEST_JSON_BYTES - fixed) / entry))
}
