import { ZDB_MAX_SCAN_LIMIT, ZdbErrorCodes } from '@p2pcloud/wire'
import type { NamespaceStore, ScanPage, ZdbClient } from '@p2pcloud/zdb'
import type { AbortOptions } from '@libp2p/interface'

/**
 * One namespace that holds shards and manifest copies (user mode: the client chooses the keys).
 * `get` resolves undefined for a key it does not have, throws ShardCorruptError when the value
 * it holds is damaged, and throws anything else when it cannot answer (unreachable).
 */
export interface ShardStore {
  /** Names the namespace in manifests and messages (for zdb: farmer/contract/namespace); unique in a stripe. */
  readonly id: string
  put (key: Uint8Array, value: Uint8Array, options?: AbortOptions): Promise<void>
  get (key: Uint8Array, options?: AbortOptions): Promise<Uint8Array | undefined>
  /** Resolves whether or not the key was there. */
  delete (key: Uint8Array, options?: AbortOptions): Promise<void>
  /** The keys starting with `prefix`, in byte order (list() needs it). */
  keys? (prefix: Uint8Array, options?: AbortOptions): AsyncIterable<Uint8Array>
}

/** The namespace holds the value but its bytes failed the namespace's own checksum. */
export class ShardCorruptError extends Error {
  override name = 'ShardCorruptError'
}

const startsWith = (key: Uint8Array, prefix: Uint8Array): boolean => key.byteLength >= prefix.byteLength && Buffer.compare(key.subarray(0, prefix.byteLength), prefix) === 0

/** Keys with a prefix from zdb's SCAN pages: start after the prefix itself, stop at the first key past it. */
async function * scanPrefix (scan: (after: Uint8Array) => Promise<ScanPage>, prefix: Uint8Array): AsyncGenerator<Uint8Array> {
  let after: Uint8Array | undefined = prefix
  while (after != null) {
    const page: ScanPage = await scan(after)
    for (const { key } of page.entries) {
      if (!startsWith(key, prefix)) return
      yield key
    }
    after = page.next
  }
}

/** A zdb namespace on a farmer, over /p2pcloud/zdb/2.0.0; its CORRUPT answer is a ShardCorruptError. */
export function zdbShardStore (client: ZdbClient): ShardStore {
  return {
    id: `${client.ref.farmer.toString()}/${client.ref.contractId}/${client.ref.namespace}`,
    async put (key, value, options) { await client.set(key, value, options) },
    async get (key, options) {
      try {
        return await client.get(key, options)
      } catch (err: any) {
        if (err.name === 'RemoteError' && err.code === ZdbErrorCodes.CORRUPT) throw new ShardCorruptError(err.message)
        throw err
      }
    },
    async delete (key, options) { await client.delete(key, options) },
    keys: (prefix, options) => scanPrefix(async after => client.scan({ after, limit: ZDB_MAX_SCAN_LIMIT }, options), prefix)
  }
}

/** A zdb namespace opened on this machine (the farmer's storage engine without the network). */
export function namespaceShardStore (store: NamespaceStore, id: string): ShardStore {
  return {
    id,
    async put (key, value) { await store.set(key, value) },
    async get (key) {
      try {
        return await store.get(key)
      } catch (err: any) {
        if (err.name === 'ZdbCorruptRecordError') throw new ShardCorruptError(err.message)
        throw err
      }
    },
    async delete (key) { await store.delete(key) },
    keys: prefix => scanPrefix(async after => store.scan({ after, limit: ZDB_MAX_SCAN_LIMIT }), prefix)
  }
}
