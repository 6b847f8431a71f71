import { crc32 } from 'node:zlib'
import { ZDB_MAX_KEY_BYTES, ZDB_MAX_VALUE_BYTES } from '@p2pcloud/wire'

/*
 * One record of a namespace's data file (protocols/zdb.md §7), big-endian:
 *   u32 crc32 of every byte after it | u8 kind | u16 key length | u32 value length | key | value
 * A set carries the value; a delete (a tombstone) carries none.
 */

export const RECORD_HEADER_BYTES = 11
export const MAX_KEY_BYTES = ZDB_MAX_KEY_BYTES
export const MAX_VALUE_BYTES = ZDB_MAX_VALUE_BYTES

export type RecordKind = 'set' | 'delete'
const KIND_BYTE: Record<RecordKind, number> = { set: 1, delete: 2 }

export interface DataRecord {
  kind: RecordKind
  key: Uint8Array
  value: Uint8Array
}

export function encodeRecord (record: DataRecord): Buffer {
  const bytes = Buffer.allocUnsafe(RECORD_HEADER_BYTES + record.key.byteLength + record.value.byteLength)
  bytes.writeUInt8(KIND_BYTE[record.kind], 4)
  bytes.writeUInt16BE(record.key.byteLength, 5)
  bytes.writeUInt32BE(record.value.byteLength, 7)
  bytes.set(record.key, RECORD_HEADER_BYTES)
  bytes.set(record.value, RECORD_HEADER_BYTES + record.key.byteLength)
  bytes.writeUInt32BE(crc32(bytes.subarray(4)), 0)
  return bytes
}

/** The lengths a header announces, or why it cannot be a header (never a throw, whatever the bytes). */
export function readHeader (header: Uint8Array): { kind: RecordKind, keyBytes: number, valueBytes: number, total: number } | string {
  if (header.byteLength < RECORD_HEADER_BYTES) return 'shorter than a record header'
  const view = Buffer.from(header.buffer, header.byteOffset, header.byteLength)
  const kindByte = view.readUInt8(4)
  const kind = kindByte === 1 ? 'set' : kindByte === 2 ? 'delete' : undefined
  if (kind === undefined) return `unknown record kind ${kindByte}`
  const keyBytes = view.readUInt16BE(5)
  const valueBytes = view.readUInt32BE(7)
  if (keyBytes > MAX_KEY_BYTES) return `key length ${keyBytes} above ${MAX_KEY_BYTES}`
  if (valueBytes > MAX_VALUE_BYTES) return `value length ${valueBytes} above ${MAX_VALUE_BYTES}`
  if (kind === 'delete' && valueBytes !== 0) return 'a delete that carries a value'
  return { kind, keyBytes, valueBytes, total: RECORD_HEADER_BYTES + keyBytes + valueBytes }
}

/** The record in `bytes` (exactly one, header included), or why it is not intact. */
export function decodeRecord (bytes: Uint8Array): DataRecord | string {
  const header = readHeader(bytes)
  if (typeof header === 'string') return header
  if (header.total !== bytes.byteLength) return `${bytes.byteLength} bytes where the header announces ${header.total}`
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.readUInt32BE(0) !== crc32(view.subarray(4))) return 'checksum mismatch'
  return {
    kind: header.kind,
    key: view.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + header.keyBytes),
    value: view.subarray(RECORD_HEADER_BYTES + header.keyBytes)
  }
}
