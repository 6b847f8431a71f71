import { formatSize } from '@p2pcloud/node'
import { PoolFullError } from './errors.js'
import type { PoolMember, StoragePool } from './storage-pools.js'
import type { NamespaceInfo } from '@p2pcloud/zdb'

/** How long one farmer may take to say how full its namespace is. */
export const USAGE_TIMEOUT_MS = 10_000

/** One namespace of a pool as its farmer reports it now: its use, or why it did not answer. */
export type MemberUsage = PoolMember & ({ health: 'ok', usedBytes: number, maxBytes: number, entries: number } | { health: 'unreachable', reason: string })

/** A pool's use and health: `healthy` (every namespace answers), `degraded` (at most m do not: everything reads), `unreadable`. */
export interface PoolUsage extends StoragePool {
  health: 'healthy' | 'degraded' | 'unreadable'
  /** Bytes stored in the namespaces that answered (shards, parity and manifests). */
  usedBytes: number
  /** The pool's size: namespaceBytes × (k + m). */
  sizeBytes: number
  usage: MemberUsage[]
}

/** Asks every member's farmer for its namespace's INFO, in parallel, each bounded in time. */
export async function poolUsage (pool: StoragePool, info: (member: PoolMember, signal: AbortSignal) => Promise<NamespaceInfo>): Promise<PoolUsage> {
  const usage = await Promise.all(pool.members.map(async (member): Promise<MemberUsage> => {
    try {
      const { usedBytes, maxBytes, entries } = await info(member, AbortSignal.timeout(USAGE_TIMEOUT_MS))
      return { ...member, health: 'ok', usedBytes, maxBytes, entries }
    } catch (err: any) {
      return { ...member, health: 'unreachable', reason: err.message ?? String(err) }
    }
  }))
  const down = usage.filter(u => u.health !== 'ok').length
  return {
    ...pool,
    health: down === 0 ? 'healthy' : down <= pool.parityShards ? 'degraded' : 'unreadable',
    usedBytes: usage.reduce((sum, u) => sum + (u.health === 'ok' ? u.usedBytes : 0), 0),
    sizeBytes: pool.namespaceBytes * pool.members.length,
    usage
  }
}

/** Every shard of an object goes to every namespace: the fullest one decides, and the message says so in a line. */
export function poolFullError (usage: PoolUsage): PoolFullError {
  const fullest = Math.max(0, ...usage.usage.map(u => u.health === 'ok' ? u.usedBytes : 0))
  return new PoolFullError(`storage pool "${usage.name}" is full: ${formatSize(usage.usedBytes)} of ${formatSize(usage.sizeBytes)} used ` +
    `(${usage.members.length} namespaces of ${formatSize(usage.namespaceBytes)}, the fullest at ${formatSize(fullest)}); ` +
    `delete objects (p2pcloud store rm) or store it in a larger pool`)
}
