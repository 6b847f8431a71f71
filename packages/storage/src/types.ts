import type { ShardHealth, ShardProblem } from './errors.js'

/** How far a put, get or repair got: plaintext bytes (repair: shard bytes rewritten) and segments done. */
export interface Progress {
  bytes: number
  segments: number
}
export type OnProgress = (progress: Progress) => void

/** What a manifest tells about an object. */
export interface ObjectInfo {
  objectId: string
  name: string
  size: number
  createdAt: string
  segments: number
  dataShards: number
  parityShards: number
  shardSize: number
  /** The namespace of shard i, in shard order. */
  namespaces: string[]
}

export type HealthCounts = Record<ShardHealth, number>

export interface NamespaceStatus {
  index: number
  namespace: string
  /** This namespace's copy of the manifest ('corrupt' also when it differs from the copy read). */
  manifest: ShardHealth
  /** This namespace's shard of each segment. */
  shards: ShardHealth[]
  counts: HealthCounts
}

export interface ObjectStatus {
  object: ObjectInfo
  namespaces: NamespaceStatus[]
  /** Over all shards of all segments. */
  counts: HealthCounts
  /** Every shard and every manifest copy is ok. */
  healthy: boolean
  /** Every segment has at least k good shards. */
  readable: boolean
  /** The fewest good shards of any segment (k+m for an empty object). */
  minGoodShards: number
  /** Every copy that is not ok; `segment` absent for a manifest copy. */
  problems: Array<ShardProblem & { segment?: number }>
}

export interface RepairedCopy {
  /** Absent for a manifest copy. */
  segment?: number
  index: number
  /** Where it was written. */
  namespace: string
  /** What the copy was; 'moved': a good shard copied to a replacement namespace; 'updated': a good manifest copy rewritten to name it. */
  was: ShardHealth | 'moved' | 'updated'
}

export interface RepairFailure {
  segment?: number
  index: number
  namespace: string
  reason: string
}

export interface RepairReport {
  objectId: string
  repaired: RepairedCopy[]
  failed: RepairFailure[]
  /** Segments with fewer than k good shards: nothing can rebuild them. */
  unrecoverable: number[]
  /** Shard columns now held by a replacement namespace (the manifest names it everywhere). */
  replaced: Array<{ index: number, from: string, to: string }>
  /** Nothing failed and nothing was unrecoverable. */
  complete: boolean
}
