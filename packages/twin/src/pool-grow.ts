import { logger } from '@libp2p/logger'
import { SpecError } from './spec.js'
import type { PoolMember, PoolPlace, StoragePool } from './storage-pools.js'
import type { ObjectStore, ShardStore } from '@p2pcloud/storage'

const log = logger('p2pcloud:twin:pools')

/** What growing a pool asks of the pools. */
export interface GrowContext {
  /** A new namespace of `namespaceBytes` at this place, under its own contract. */
  reserve: (at: PoolPlace, deployment: string, namespaceBytes: number) => Promise<PoolMember>
  release: (member: PoolMember) => Promise<void>
  /** An object store over these members (a fresh one per object: a move changes its stripe). */
  objectsOn: (members: PoolMember[]) => Promise<ObjectStore>
  shardStore: (member: PoolMember) => ShardStore
  onProgress?: (message: string) => void
}

/**
 * A contract's capacity is fixed, so a pool grows by moving: a larger namespace is reserved on
 * each member's farmer, every object's shards are moved there (rebuilt from k good ones, the
 * manifests rewritten to name the new namespaces, the old copies cleared), and the new members
 * are returned; the caller keeps them and releases the old ones. On any failure, the objects
 * already moved are moved back and the new namespaces released: the pool stays as it was.
 */
export async function growPool (ctx: GrowContext, pool: StoragePool, namespaceBytes: number): Promise<PoolMember[]> {
  if (!(namespaceBytes > pool.namespaceBytes)) throw new SpecError(`pool "${pool.name}" has namespaces of ${pool.namespaceBytes} bytes; growing it takes a larger size, not ${namespaceBytes}`)
  const listed = await (await ctx.objectsOn(pool.members)).list()
  if (listed.unreachable.length > 0) {
    throw new SpecError(`pool "${pool.name}" cannot grow while namespaces do not answer (${listed.unreachable.map(u => `${u.namespace}: ${u.reason}`).join('; ')}); repair it first`)
  }
  const stamp = Date.now().toString(36)
  const larger: PoolMember[] = []
  const moved: string[] = []
  try {
    for (const [index, member] of pool.members.entries()) {
      ctx.onProgress?.(`reserving namespace ${index + 1}/${pool.members.length} of ${namespaceBytes} bytes on ${member.farmer}`)
      larger.push(await ctx.reserve(member, `pool-${pool.name}-${index}-${stamp}`, namespaceBytes))
    }
    for (const object of listed.objects) {
      ctx.onProgress?.(`moving object ${moved.length + 1}/${listed.objects.length} (${object.objectId})`)
      await move(ctx, object.objectId, pool.members, larger)
      moved.push(object.objectId)
    }
    return larger
  } catch (err: any) {
    const stranded: string[] = []
    for (const objectId of moved) {
      await move(ctx, objectId, larger, pool.members).catch(back => { log.error('could not move object %s of pool %s back: %e', objectId, pool.name, back); stranded.push(objectId) })
    }
    if (stranded.length > 0) {
      throw new Error(`growing pool "${pool.name}" failed (${err.message as string}) and objects ${stranded.join(', ')} could not be moved back: they are in the deployments ${larger.map(m => m.deployment).join(', ')}, kept for them`)
    }
    await Promise.all(larger.map(async member => ctx.release(member)))
    throw err
  }
}

/** Moves every shard index of the object from one set of members to the other; all of them, or an error. */
async function move (ctx: GrowContext, objectId: string, from: PoolMember[], to: PoolMember[]): Promise<void> {
  const report = await (await ctx.objectsOn(from)).repair(objectId, { move: new Map(to.map((member, index) => [index, ctx.shardStore(member)])) })
  if (!report.complete || report.replaced.length !== to.length) {
    throw new Error(`object ${objectId} could not be moved: ${[...report.failed.map(f => `${f.namespace}: ${f.reason}`), ...report.unrecoverable.map(s => `segment ${s} has fewer than k good shards`)].join('; ')}`)
  }
}
