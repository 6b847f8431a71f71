import { Uint8ArrayList } from 'uint8arraylist'

/**
 * The longest start of `bytes` made of whole protobuf fields: the part of a message's first
 * bytes that decodes to the fields it holds, so that a responder can look at a request's first
 * fields before the rest of a large frame has arrived. Stops at a group (wire types 3 and 4,
 * which no p2pcloud message uses) as at a field cut short.
 */
export function wholeFields (bytes: Uint8Array): Uint8Array {
  let end = 0
  while (end < bytes.byteLength) {
    const tag = readVarint(bytes, end)
    if (tag == null) break
    let next: number | undefined
    switch (tag.value % 8) {
      case 0: next = readVarint(bytes, tag.next)?.next; break
      case 1: next = tag.next + 8; break
      case 2: {
        const length = readVarint(bytes, tag.next)
        next = length != null ? length.next + length.value : undefined
        break
      }
      case 5: next = tag.next + 4; break
    }
    if (next == null || next > bytes.byteLength) break
    end = next
  }
  return bytes.subarray(0, end)
}

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
