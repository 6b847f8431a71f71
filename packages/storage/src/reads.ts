import type { AbortOptions } from '@libp2p/interface'
import { ObjectNotFoundError, StorageKeyError, type ShardHealth, type ShardProblem } from './errors.js'
import { manifestKey, openManifest, parseShardValue, sha256, shardKey, type Manifest } from './format.js'
import { shardBytesOf } from './segment-codec.js'
import type { StorageMasterKey } from './keys.js'
import type { ShardStore } from './shard-store.js'

/** What one namespace answered for one shard or manifest copy. */
export interface CopyRead {
  index: number
  namespace: string
  health: ShardHealth
  detail: string
}
export interface ShardRead extends CopyRead { shard?: Uint8Array }
export interface ManifestRead extends CopyRead {
  opened?: { manifest: Manifest, json: string }
  /** Why a copy that is there could not be used (not ours, malformed). */
  error?: Error
}

const NO_STORE = 'no ShardStore for this namespace was given'

/** A namespace's answer, classified: undefined is missing, ShardCorruptError corrupt, any other error unreachable. */
async function readCopy<T extends CopyRead> (store: ShardStore | undefined, namespace: string, index: number, key: Uint8Array,
  judge: (value: Uint8Array) => Omit<T, 'index' | 'namespace'>, options: AbortOptions): Promise<T | CopyRead> {
  const read = { index, namespace }
  if (store == null) return { ...read, health: 'unreachable', detail: NO_STORE }
  let value: Uint8Array | undefined
  try {
    value = await store.get(key, options)
  } catch (err: any) {
    return { ...read, health: err.name === 'ShardCorruptError' ? 'corrupt' : 'unreachable', detail: err.message ?? String(err) }
  }
  if (value == null) return { ...read, health: 'missing', detail: '' }
  return { ...read, ...judge(value) }
}

/**
 * Resolves with every task's result once `enough` says so or all have ended (tasks never
 * reject); the ones still running are left out (undefined) and ignored when they end.
 */
async function settleUntil<T> (tasks: Array<Promise<T>>, enough: (ended: T[]) => boolean): Promise<Array<T | undefined>> {
  return new Promise(resolve => {
    const results: Array<T | undefined> = tasks.map(() => undefined)
    const ended: T[] = []
    if (tasks.length === 0) resolve(results)
    tasks.forEach((task, i) => {
      void task.then(result => {
        results[i] = result
        ended.push(result)
        if (ended.length === tasks.length || enough(ended)) resolve(results.slice())
      })
    })
  })
}

export interface ShardReadOptions {
  /** Shards asked for beyond the `need` at first, to cut the long tail (default 0). */
  extra?: number
  /**
   * Check each shard's sha256 against the manifest (default true). A get that decrypts the
   * segment can leave it out: GCM then checks every byte of the shards it used at once.
   */
  hash?: boolean
  signal?: AbortSignal
}

/** Once `need` shards are in, a data shard still on its way is waited for this long again (at least MIN_STRAGGLER_WAIT_MS). */
const STRAGGLER_WAIT = 0.5
const MIN_STRAGGLER_WAIT_MS = 5

/**
 * Reads `need` + `extra` shards of `segment` at once, the data shards first, then parity from a
 * place that turns with the segment (so that every parity farmer shares the extra reads), and
 * one more for each read that fails. It resolves when `need` shards verified and no data shard
 * is still coming (all k data shards: no decoding), when a data shard is a straggler (half as long
 * again as the first `need` took; the slower requests are aborted), or when nothing more can
 * come. Shards never asked for are undefined. A shard is good when its header names this place
 * and its sha256 is the manifest's (unless `hash` is false).
 */
export async function readShards (stores: Array<ShardStore | undefined>, manifest: Manifest, objectId: Buffer, segment: number, need: number,
  options: ShardReadOptions = {}): Promise<Array<ShardRead | undefined>> {
  const entry = manifest.segments[segment]
  const shardBytes = shardBytesOf(entry.length, manifest.dataShards)
  const k = manifest.dataShards
  const parity = stores.length - k
  const order = [...Array.from({ length: k }, (_, i) => i), ...Array.from({ length: parity }, (_, j) => k + (segment + j) % parity)]
  const tail = new AbortController()
  const signal = options.signal != null ? AbortSignal.any([options.signal, tail.signal]) : tail.signal
  const read = async (index: number): Promise<ShardRead | CopyRead> => readCopy<ShardRead>(stores[index], manifest.namespaces[index], index, shardKey(manifest.objectId, segment), value => {
    const shard = parseShardValue(value, objectId, segment, index, shardBytes)
    if (typeof shard === 'string') return { health: 'corrupt', detail: shard }
    if (options.hash !== false && sha256(shard) !== entry.shards[index]) return { health: 'corrupt', detail: 'its sha256 is not the manifest\'s' }
    return { health: 'ok', detail: '', shard }
  }, { signal })

  return new Promise(resolve => {
    const results: Array<ShardRead | undefined> = order.map(() => undefined)
    const began = performance.now()
    let asked = 0
    let pending = 0
    let good = 0
    let done = false
    let straggler: ReturnType<typeof setTimeout> | undefined
    const finish = (): void => {
      done = true
      clearTimeout(straggler)
      tail.abort()
      resolve(results.slice())
    }
    // the first k asked are the data shards, in order
    const dataComing = (): boolean => results.slice(0, Math.min(k, asked)).some(result => result == null)
    const ask = (): void => {
      const index = order[asked++]
      pending++
      void read(index).then(result => {
        if (done) return
        pending--
        results[index] = result
        if (result.health === 'ok') good++
        else if (asked < order.length) ask()
        if (pending === 0 || (good >= need && !dataComing())) return finish()
        if (good >= need) straggler ??= setTimeout(finish, Math.max(MIN_STRAGGLER_WAIT_MS, STRAGGLER_WAIT * (performance.now() - began)))
      })
    }
    for (let i = 0; i < Math.min(order.length, need + (options.extra ?? 0)); i++) ask()
    if (asked === 0) finish()
  })
}

/** Reads the manifest copy of every store; `first`: resolve with the first good copy. */
export async function readManifests (stores: Array<ShardStore | undefined>, namespaces: string[], master: StorageMasterKey, objectId: string, first: boolean): Promise<Array<ManifestRead | undefined>> {
  const reads = stores.map(async (store, index) => readCopy<ManifestRead>(store, namespaces[index], index, manifestKey(objectId), value => {
    try {
      const opened = openManifest(master, objectId, value)
      if ('manifest' in opened) return { health: 'ok', detail: '', opened }
      return { health: 'corrupt', detail: opened.problem, error: new StorageKeyError(objectId, 'the manifest') }
    } catch (err: any) {
      return { health: 'corrupt', detail: err.message, error: err }
    }
  }, {}))
  return settleUntil<ManifestRead>(reads, ended => first && ended.some(r => r.health === 'ok'))
}

export const problemsOf = (reads: Array<CopyRead | undefined>): ShardProblem[] =>
  reads.filter((r): r is CopyRead => r != null && r.health !== 'ok').map(r => ({ index: r.index, namespace: r.namespace, health: r.health as ShardProblem['health'], detail: r.detail }))

/**
 * The first good manifest among the stores. None: the first copy that is there but unusable
 * says why (StorageKeyError: not ours or altered), or else ObjectNotFoundError.
 */
export async function findManifest (stores: ShardStore[], master: StorageMasterKey, objectId: string): Promise<{ manifest: Manifest, json: string }> {
  const reads = await readManifests(stores, stores.map(s => s.id), master, objectId, true)
  const good = reads.find(r => r?.opened != null)?.opened
  if (good != null) return good
  const unusable = reads.find(r => r?.error != null)?.error
  if (unusable != null) throw unusable
  throw new ObjectNotFoundError(objectId, problemsOf(reads))
}
