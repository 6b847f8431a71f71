import type { ErasureCode } from './erasure.js'
import { StorageConfigError, type ShardHealth } from './errors.js'
import { infoOf, manifestKey, objectIdBytes, sealManifest, sha256, shardKey, shardValue, type Manifest } from './format.js'
import type { StorageMasterKey } from './keys.js'
import { problemsOf, readManifests, readShards, type CopyRead } from './reads.js'
import { rebuildStripe, shardBytesOf } from './segment-codec.js'
import { forEachBounded } from './segments.js'
import type { ShardStore } from './shard-store.js'
import type { HealthCounts, NamespaceStatus, ObjectStatus, OnProgress, RepairReport } from './types.js'

/** What status and repair need of the ObjectStore. */
export interface StoreContext {
  code: ErasureCode
  master: StorageMasterKey
  segmentsInFlight: number
  storesOf: (manifest: Manifest) => Array<ShardStore | undefined>
  /** Remembers a replacement namespace, so that manifests naming it resolve. */
  adopt: (store: ShardStore) => void
}

export interface RepairOptions {
  /**
   * Asked for each namespace with a shard or manifest copy that is not ok: a store to move that
   * shard index to (every segment's shard is written there), or undefined to repair in place.
   */
  replace?: (index: number, status: NamespaceStatus) => ShardStore | undefined
  /** Shard indexes to move to these stores whatever their health (e.g. to larger namespaces). */
  move?: ReadonlyMap<number, ShardStore>
  onProgress?: OnProgress
}

const countsOf = (healths: ShardHealth[]): HealthCounts => {
  const counts: HealthCounts = { ok: 0, missing: 0, corrupt: 0, unreachable: 0 }
  for (const health of healths) counts[health]++
  return counts
}

interface Inspection {
  status: ObjectStatus
  manifest: Manifest
}

/**
 * Reads every manifest copy and every shard. The newest manifest revision among the copies is
 * the object's (a repair that moved a shard index may not have reached every copy).
 */
async function inspect (ctx: StoreContext, found: Manifest, json: string, onProgress?: OnProgress): Promise<Inspection> {
  const copies = await readManifests(ctx.storesOf(found), found.namespaces, ctx.master, found.objectId, false)
  const newest = copies.reduce((best, c) => c?.opened != null && c.opened.manifest.revision > best.manifest.revision ? c.opened : best, { manifest: found, json })
  if (newest.manifest !== found) return inspect(ctx, newest.manifest, newest.json, onProgress)

  const manifest = found
  const stores = ctx.storesOf(manifest)
  const idBytes = objectIdBytes(manifest.objectId)
  const manifestReads: CopyRead[] = copies.map((c, index) => c?.opened == null || c.opened.json === json
    ? c as CopyRead
    : { index, namespace: c.namespace, health: 'corrupt', detail: `stale: revision ${c.opened.manifest.revision}, the newest is ${manifest.revision}` })
  const segmentReads: CopyRead[][] = []
  const progress = { bytes: 0, segments: 0 }
  await forEachBounded(manifest.segments.length, ctx.segmentsInFlight, async segment => {
    const reads = await readShards(stores, manifest, idBytes, segment, ctx.code.total)
    // keep the verdicts, not the shard bytes
    segmentReads[segment] = reads.map(r => ({ index: (r as CopyRead).index, namespace: (r as CopyRead).namespace, health: (r as CopyRead).health, detail: (r as CopyRead).detail }))
    progress.bytes += manifest.segments[segment].length
    progress.segments++
    onProgress?.({ ...progress })
  })

  const namespaces: NamespaceStatus[] = manifest.namespaces.map((namespace, index) => {
    const shards = segmentReads.map(reads => reads[index].health)
    return { index, namespace, manifest: manifestReads[index].health, shards, counts: countsOf(shards) }
  })
  const goodPerSegment = segmentReads.map(reads => reads.filter(r => r.health === 'ok').length)
  const counts = countsOf(segmentReads.flat().map(r => r.health))
  const problems = [
    ...problemsOf(manifestReads),
    ...segmentReads.flatMap((reads, segment) => problemsOf(reads).map(p => ({ ...p, segment })))
  ]
  return {
    manifest,
    status: {
      object: infoOf(manifest),
      namespaces,
      counts,
      healthy: problems.length === 0,
      readable: goodPerSegment.every(n => n >= manifest.dataShards),
      minGoodShards: Math.min(ctx.code.total, ...goodPerSegment),
      problems
    }
  }
}

export async function inspectObject (ctx: StoreContext, found: Manifest, json: string, onProgress?: OnProgress): Promise<ObjectStatus> {
  return (await inspect(ctx, found, json, onProgress)).status
}

/** status, then rebuild what is not ok (README "Repair"). */
export async function repairObject (ctx: StoreContext, found: Manifest, json: string, options: RepairOptions): Promise<RepairReport> {
  const { manifest, status } = await inspect(ctx, found, json)
  const { objectId } = manifest
  const idBytes = objectIdBytes(objectId)
  const stores = ctx.storesOf(manifest)
  const moves = new Map<number, ShardStore>()
  for (const ns of status.namespaces) {
    const replacement = options.move?.get(ns.index) ??
      (options.replace == null || (ns.counts.ok === ns.shards.length && ns.manifest === 'ok') ? undefined : options.replace(ns.index, ns))
    if (replacement == null) continue
    if (manifest.namespaces.includes(replacement.id) || [...moves.values()].some(m => m.id === replacement.id)) {
      throw new StorageConfigError(`the replacement for shard ${ns.index}, ${replacement.id}, is already a namespace of object ${objectId}`)
    }
    moves.set(ns.index, replacement)
  }
  const targets = stores.map((store, i) => moves.get(i) ?? store)
  const report: RepairReport = { objectId, repaired: [], failed: [], unrecoverable: [], replaced: [], complete: false }
  const progress = { bytes: 0, segments: 0 }

  await forEachBounded(manifest.segments.length, ctx.segmentsInFlight, async segment => {
    const wanted = new Set(status.namespaces.filter(ns => ns.shards[segment] !== 'ok' || moves.has(ns.index)).map(ns => ns.index))
    if (wanted.size > 0) {
      // read again: what changed since the status counts, and the bytes are needed
      const reads = await readShards(stores, manifest, idBytes, segment, ctx.code.total)
      for (const r of reads) if (r != null && r.health !== 'ok') wanted.add(r.index)
      const good = reads.map(r => r?.shard)
      if (good.filter(s => s != null).length < manifest.dataShards) {
        report.unrecoverable.push(segment)
      } else {
        const shards = rebuildStripe(ctx.code, good, shardBytesOf(manifest.segments[segment].length, manifest.dataShards))
        await Promise.all([...wanted].map(async index => {
          const target = targets[index]
          const failure = { segment, index, namespace: target?.id ?? manifest.namespaces[index] }
          if (sha256(shards[index]) !== manifest.segments[segment].shards[index]) return report.failed.push({ ...failure, reason: 'the rebuilt shard does not match the manifest\'s sha256: the good shards disagree' })
          if (target == null) return report.failed.push({ ...failure, reason: 'no ShardStore for this namespace was given' })
          try {
            await target.put(shardKey(objectId, segment), shardValue(idBytes, segment, index, shards[index]))
            const was = (reads[index] as CopyRead).health
            report.repaired.push({ ...failure, was: was === 'ok' ? 'moved' : was })
            progress.bytes += shards[index].byteLength
          } catch (err: any) {
            report.failed.push({ ...failure, reason: err.message ?? String(err) })
          }
        }))
      }
    }
    progress.segments++
    options.onProgress?.({ ...progress })
  })

  // a move that did not bring every shard over is dropped: the manifest keeps the old namespace
  for (const index of moves.keys()) {
    if (report.unrecoverable.length > 0 || report.failed.some(f => f.index === index)) moves.delete(index)
  }
  await rewriteManifests(ctx, manifest, status, moves, stores, report)
  report.complete = report.failed.length === 0 && report.unrecoverable.length === 0
  return report
}

/**
 * Rewrites the manifest copies that are not ok, or every copy (one revision up) when shard
 * indexes moved; once all are written the old namespaces of moved indexes are cleared (best effort).
 */
async function rewriteManifests (ctx: StoreContext, manifest: Manifest, status: ObjectStatus, moves: Map<number, ShardStore>,
  stores: Array<ShardStore | undefined>, report: RepairReport): Promise<void> {
  const { objectId } = manifest
  const updated: Manifest = moves.size === 0 ? manifest : { ...manifest, revision: manifest.revision + 1, namespaces: manifest.namespaces.map((id, i) => moves.get(i)?.id ?? id) }
  const targets = stores.map((store, i) => moves.get(i) ?? store)
  const rewrite = status.namespaces.filter(ns => moves.size > 0 || ns.manifest !== 'ok')
  if (rewrite.length === 0) return
  const sealed = sealManifest(ctx.master, updated)
  const before = report.failed.length
  await Promise.all(rewrite.map(async ({ index, manifest: was }) => {
    const target = targets[index]
    const failure = { index, namespace: updated.namespaces[index] }
    if (target == null) return report.failed.push({ ...failure, reason: 'no ShardStore for this namespace was given' })
    try {
      await target.put(manifestKey(objectId), sealed)
      report.repaired.push({ ...failure, was: was === 'ok' ? 'updated' : was })
    } catch (err: any) {
      report.failed.push({ ...failure, reason: err.message ?? String(err) })
    }
  }))
  for (const [index, replacement] of moves) {
    ctx.adopt(replacement)
    report.replaced.push({ index, from: manifest.namespaces[index], to: replacement.id })
  }
  // until every copy names the replacements, a reader may still follow an old copy to the old namespaces
  if (report.failed.length > before) return
  await Promise.all([...moves.keys()].map(async index => {
    const old = stores[index]
    if (old == null) return
    const clear = async (key: Uint8Array): Promise<void> => { await old.delete(key).catch(() => {}) }
    await forEachBounded(manifest.segments.length, ctx.segmentsInFlight, async segment => clear(shardKey(objectId, segment)))
    await clear(manifestKey(objectId))
  }))
}
