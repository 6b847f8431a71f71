import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NamespaceStore } from '@p2pcloud/zdb'
import type { Benchmark, Measurement } from './results.js'

const MiB = 2 ** 20
/** A namespace of 64 MiB holding values of 1 MiB, as a pool's shards are. */
const SIZE = 64 * MiB
const VALUE_BYTES = MiB - 64
/** Values kept while overwriting: 7/8 of the size, the most a namespace holds while every compaction still frees an eighth. */
const KEPT = 55

async function timed (work: () => Promise<void>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

/**
 * Write throughput of a zdb namespace that keeps compacting, against the same namespace's
 * appends when it is new: 64 MiB of 1 MiB values written into an empty namespace (the
 * baseline), then 64 MiB of overwrites with 7/8 of the size live (the worst case: each
 * compaction copies 7/8 of the size to free 1/8).
 */
async function run (): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'p2pcloud-bench-zdb-compaction-'))
  const store = await NamespaceStore.open(dir, { mode: 'user', maxBytes: SIZE })
  const value = Buffer.alloc(VALUE_BYTES, 7)
  const key = (i: number): Uint8Array => Buffer.from(`v${i}`)
  try {
    const values = Math.floor(SIZE / (VALUE_BYTES + 64))
    const appendMs = await timed(async () => { for (let i = 0; i < values; i++) await store.set(key(i), value) })
    for (let i = KEPT; i < values; i++) await store.delete(key(i))
    const overwriteMs = await timed(async () => { for (let i = 0; i < values; i++) await store.set(key(i % KEPT), value) })
    const mbps = (ms: number): number => values * VALUE_BYTES / 1e6 / (ms / 1000)
    return {
      metric: `MB/s of 1 MiB overwrites into a ${SIZE / MiB} MiB zdb namespace with 7/8 of it live (compacting)`,
      value: mbps(overwriteMs),
      unit: 'MB/s',
      baseline: 'the same namespace\'s appends when it was empty (no compaction)',
      baselineValue: mbps(appendMs),
      extra: { values, appendMs, overwriteMs }
    }
  } finally {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  }
}

export const zdbCompaction: Benchmark = { name: 'zdb-compaction', run }
