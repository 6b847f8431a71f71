/** The namespace store's refusals; the protocol answers each with its code (zdb-protocol.ts). */

/** A key or value the namespace refuses (too long, empty, a chosen key in seq mode). */
export class ZdbInputError extends Error {
  override name = 'ZdbInputError'
}

/** The write would take the namespace over its size. */
export class ZdbQuotaError extends Error {
  override name = 'ZdbQuotaError'
  constructor (readonly needed: number, readonly used: number, readonly maxBytes: number) {
    super(`namespace full: this write needs ${needed} bytes, ${used} of ${maxBytes} hold values`)
  }
}

/** A stored record whose bytes no longer match their checksum (a disk fault). */
export class ZdbCorruptRecordError extends Error {
  override name = 'ZdbCorruptRecordError'
}

/** The farmer's disk cannot take a write (nothing of it was kept) or a namespace's size. */
export class ZdbDiskFullError extends Error {
  override name = 'ZdbDiskFullError'
}
