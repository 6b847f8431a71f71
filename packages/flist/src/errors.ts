/**
 * Errors of flists and their blocks. `kind`, where set, says what sort of failure it is
 * (ErrorKind of @p2pcloud/api, which answers it with an HTTP status).
 */

/** A block's bytes do not hash to the CID it was asked or stored under. */
export class BlockHashMismatchError extends Error {
  override name = 'BlockHashMismatchError'
  readonly kind = 'invalid'
  constructor (readonly cid: string, detail = 'its bytes do not hash to its CID') {
    super(`block ${cid}: ${detail}`)
  }
}

/** A block over MAX_BLOCK_BYTES: refused before it is hashed or stored. */
export class BlockTooLargeError extends Error {
  override name = 'BlockTooLargeError'
  readonly kind = 'invalid'
  constructor (readonly cid: string, readonly bytes: number, readonly max: number) {
    super(`block ${cid} is ${bytes} bytes, more than the ${max} allowed`)
  }
}

/** The store does not hold the block. */
export class BlockNotFoundError extends Error {
  override name = 'BlockNotFoundError'
  constructor (readonly cid: string) {
    super(`block ${cid} is not in the store`)
  }
}

/** A manifest that breaks the format's rules (protocols/flist.md §5). */
export class InvalidFlistError extends Error {
  override name = 'InvalidFlistError'
  readonly kind = 'invalid'
}

/** An OCI or docker-save image tarball we cannot read. */
export class InvalidImageError extends Error {
  override name = 'InvalidImageError'
}

/** ls / cat of a path that is not there or is not what the call needs. */
export class FlistPathError extends Error {
  override name = 'FlistPathError'
  readonly kind = 'not-found'
  constructor (readonly path: string, detail: string) {
    super(`${path === '' ? '/' : path}: ${detail}`)
  }
}

/** Unpinning a flist this peer did not publish. */
export class NotPinnedError extends Error {
  override name = 'NotPinnedError'
  readonly kind = 'not-found'
  constructor (readonly cid: string) {
    super(`flist ${cid} is not pinned on this peer (only the flists it published are)`)
  }
}

/** A flist that would take more of this peer's disk than it allows, or is deeper than it materialises: refused before its data blocks are fetched. */
export class FlistTooLargeError extends Error {
  override name = 'FlistTooLargeError'
  constructor (readonly cid: string, detail: string) {
    super(`flist ${cid}: ${detail}`)
  }
}
