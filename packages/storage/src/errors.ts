/**
 * Errors of the object store. `kind`, where set, says what sort of failure it is (ErrorKind
 * of @p2pcloud/api, which answers it with an HTTP status).
 */

/** How one namespace's copy of a shard (or of a manifest) looked when it was read. */
export type ShardHealth = 'ok' | 'missing' | 'corrupt' | 'unreachable'

/** One namespace that could not give a good shard or manifest, and why. */
export interface ShardProblem {
  /** The namespace's place in the object's stripe (shard index). */
  index: number
  namespace: string
  health: Exclude<ShardHealth, 'ok'>
  detail: string
}

const describe = (problems: ShardProblem[]): string =>
  problems.map(p => `${p.namespace} (#${p.index}) ${p.health}${p.detail !== '' ? `: ${p.detail}` : ''}`).join('; ')

/** A segment has fewer than k good shards: the object cannot be read (or repaired) right now. */
export class NotEnoughShardsError extends Error {
  override name = 'NotEnoughShardsError'
  constructor (readonly objectId: string, readonly segment: number, readonly good: number, readonly needed: number, readonly problems: ShardProblem[]) {
    super(`object ${objectId} segment ${segment}: ${good} good shards, ${needed} needed; ${describe(problems)}`)
  }
}

/** No namespace holds a manifest for the object (each namespace's answer is in `problems`). */
export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError'
  readonly kind = 'not-found'
  constructor (readonly objectId: string, readonly problems: ShardProblem[]) {
    super(`object ${objectId} not found: ${describe(problems)}`)
  }
}

/** AES-GCM refused: the object was stored under another twin's key, or its bytes were altered. */
export class StorageKeyError extends Error {
  override name = 'StorageKeyError'
  readonly kind = 'forbidden'
  constructor (readonly objectId: string, what: string) {
    super(`cannot decrypt ${what} of object ${objectId}: not your object or corrupted`)
  }
}

/** A manifest decrypted but does not follow the format (README "Manifest"): written by a broken client. */
export class ManifestFormatError extends Error {
  override name = 'ManifestFormatError'
  constructor (readonly objectId: string, detail: string) {
    super(`the manifest of object ${objectId} is malformed: ${detail}`)
  }
}

/** A write or delete that did not reach every namespace it had to. */
export interface WriteFailure {
  index: number
  namespace: string
  /** The key, as text (`o/<objectId>/<segment>` or `m/<objectId>`). */
  key: string
  reason: string
  /** The store's error code, when it gave one (zdb's: `QUOTA_EXCEEDED`, `UNAVAILABLE`…). */
  code?: string
}

/** A put or delete that could not write (or delete) every shard and manifest copy; `failures` says where. */
export class ShardWriteError extends Error {
  override name = 'ShardWriteError'
  constructor (readonly objectId: string, readonly action: 'put' | 'delete', readonly failures: WriteFailure[]) {
    const namespaces = [...new Map(failures.map(f => [f.index, f])).values()]
    super(`${action} of object ${objectId} failed: ${failures.length} writes failed on ${namespaces.map(f => `${f.namespace} (#${f.index}): ${f.reason}`).join('; ')}`)
  }
}

/** The object's manifest would not fit one zdb value. */
export class ObjectTooLargeError extends Error {
  override name = 'ObjectTooLargeError'
  constructor (readonly maxBytes: number) {
    super(`object too large: with this shard size a manifest fits at most ${maxBytes} bytes of object; use a larger shardSize`)
  }
}

export class InvalidObjectIdError extends Error {
  override name = 'InvalidObjectIdError'
  readonly kind = 'invalid'
  constructor (id: string) {
    super(`"${id}" is not an object id (32 hex digits)`)
  }
}

/** The ObjectStore's options do not make a valid stripe. */
export class StorageConfigError extends Error {
  override name = 'StorageConfigError'
}
