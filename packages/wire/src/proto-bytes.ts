import { Uint8ArrayList } from 'uint8arraylist'

/** An unsigned LEB128 varint at `at` (at most 10 bytes), or undefined when `bytes` ends inside it. */
export function readVarint (bytes: Uint8Array, at: number): { value: number, next: number } | undefined {
  let value = 0
  for (let i = 0; i < 10 && at + i < bytes.byteLength; i++) {
    const byte = bytes[at + i]
    value += (byte & 0x7f) * 2 ** (7 * i)
    if (byte < 0x80) return { value, next: at + i + 1 }
  }
  return undefined
}

/** `value` as an unsigned LEB128 varint. */
export function varintBytes (value: number): Uint8Array {
  const bytes: number[] = []
  for (; value >= 0x80; value = Math.floor(value / 0x80)) bytes.push((value % 0x80) | 0x80)
  bytes.push(value)
  return Uint8Array.from(bytes)
}

/** `message` as a frame: its length as a uvarint, then the message, not copied (protocols/README.md §4.1). */
export function frameOf (message: Uint8Array): Uint8ArrayList {
  return new Uint8ArrayList(varintBytes(message.byteLength), message)
}
