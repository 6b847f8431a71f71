import { ApiError, clientGone, ndjson, readBody, type Routes } from '@p2pcloud/api'
import type { Twin } from '@p2pcloud/twin'
import { ZDB_MAX_SCAN_LIMIT, ZDB_MAX_VALUE_BYTES } from '@p2pcloud/wire'
import type { ZdbClient } from '@p2pcloud/zdb'

const workloadOf = (url: URL): string | undefined => url.searchParams.get('workload') ?? undefined
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A key as the API shows it: its text when it is UTF-8, and always its hex (seq mode's keys are 8 binary bytes). */
function keyView (key: Uint8Array): { key?: string, hex: string } {
  let text: string | undefined
  try { text = utf8.decode(key) } catch { text = undefined }
  return { ...(text != null ? { key: text } : {}), hex: Buffer.from(key).toString('hex') }
}

/** The keys that start with `prefix`, in key order, page by page (SCAN's cursor is "greater than"). */
async function * keysWith (db: ZdbClient, prefix: Buffer, signal: AbortSignal): AsyncGenerator<{ key: Uint8Array, size: number }> {
  // the greatest key below every key that starts with prefix: prefix less its last byte, that byte one lower
  let after: Uint8Array | undefined = prefix.byteLength === 0
    ? undefined
    : Buffer.concat([prefix.subarray(0, -1), ...(prefix[prefix.byteLength - 1] > 0 ? [Buffer.from([prefix[prefix.byteLength - 1] - 1, 0xff])] : [])])
  while (!signal.aborted) {
    const page = await db.scan({ after, limit: ZDB_MAX_SCAN_LIMIT }, { signal })
    for (const entry of page.entries) {
      const key = Buffer.from(entry.key)
      if (key.subarray(0, prefix.byteLength).equals(prefix)) yield entry
      else if (Buffer.compare(key, prefix) > 0) return
    }
    if (page.next == null) return
    after = page.next
  }
}

/**
 * A zdb namespace of one of the twin's deployments, under `/v1/deployments/:name/zdb` (its only
 * namespace, or `?workload=`): keys are path segments (UTF-8 text), values the raw bodies.
 */
export function zdbRoutes (twin: Twin): Routes {
  return {
    'PUT /v1/deployments/:name/zdb/keys/:key': async (req, url, params) => {
      const db = await twin.zdb(params.name, workloadOf(url))
      const value = await readBody(req, ZDB_MAX_VALUE_BYTES)
      const key = await db.set(Buffer.from(params.key), value)
      return { ...keyView(key), size: value.byteLength }
    },
    'GET /v1/deployments/:name/zdb/keys/:key': async (_req, url, params) => {
      const db = await twin.zdb(params.name, workloadOf(url))
      const value = await db.get(Buffer.from(params.key))
      if (value == null) throw new ApiError(404, 'KeyNotFound', `no key "${params.key}" in the namespace`)
      return { ...keyView(Buffer.from(params.key)), value: Buffer.from(value).toString('base64') }
    },
    'DELETE /v1/deployments/:name/zdb/keys/:key': async (_req, url, params) => {
      const db = await twin.zdb(params.name, workloadOf(url))
      if (!await db.delete(Buffer.from(params.key))) throw new ApiError(404, 'KeyNotFound', `no key "${params.key}" in the namespace`)
      return { deleted: params.key }
    },
    'GET /v1/deployments/:name/zdb/keys': async (req, url, params) => {
      const db = await twin.zdb(params.name, workloadOf(url))
      const entries = keysWith(db, Buffer.from(url.searchParams.get('prefix') ?? ''), clientGone(req))
      return ndjson((async function * () {
        for await (const entry of entries) yield { ...keyView(entry.key), size: entry.size }
      })())
    }
  }
}
