import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { ApiError, clientGone, rawBytesOnceStarted, readJsonBody, requireAbsolutePath, requireFile, withProgress, type Routes } from '@p2pcloud/api'
import { parseSize } from '@p2pcloud/node'
import { parseDuration, type Twin } from '@p2pcloud/twin'

const poolOf = (url: URL): string | undefined => url.searchParams.get('pool') ?? undefined

function wholeNumber (body: any, field: string): number {
  const value = body?.[field]
  if (!Number.isInteger(value) || value < 0) throw new ApiError(400, 'BadRequest', `${field} must be a whole number, not ${JSON.stringify(value)}`)
  return value
}

/** The twin's storage pools under `/v1/store/pools` and their objects under `/v1/store/objects` (see packages/api/README.md). */
export function storageRoutes (twin: Twin): Routes {
  const pools = twin.pools
  return {
    'GET /v1/store/pools': async () => pools.list(),
    'POST /v1/store/pools': async (req) => {
      const body: any = await readJsonBody(req)
      const options = {
        name: body.name,
        dataShards: wholeNumber(body, 'data'),
        parityShards: wholeNumber(body, 'parity'),
        namespaceBytes: parseSize(body.size ?? '1G'),
        leaseMs: parseDuration(body.lease ?? '30d'),
        where: { country: body.where?.country, farm: body.where?.farm, maxPrice: body.where?.maxPrice }
      }
      return withProgress<string, unknown>(async onProgress => pools.create({ ...options, onProgress }))
    },
    'GET /v1/store/pools/:name': async (_req, _url, params) => pools.usage(params.name),
    'POST /v1/store/pools/:name/grow': async (req, _url, params) => {
      const body: any = await readJsonBody(req)
      const namespaceBytes = parseSize(body.size)
      return withProgress<string, unknown>(async onProgress => pools.grow(params.name, namespaceBytes, onProgress))
    },
    'DELETE /v1/store/pools/:name': async (_req, url, params) => pools.remove(params.name, { force: url.searchParams.get('force') === '1' }),
    'GET /v1/store/objects': async (_req, url) => (await pools.objects(poolOf(url))).list(),
    'POST /v1/store/objects': async (req, url) => {
      const body: any = await readJsonBody(req)
      const path = requireAbsolutePath(body, 'path')
      const size = await requireFile(path)
      return withProgress<{ bytes: number, segments: number, total: number }, unknown>(async onProgress =>
        pools.put(createReadStream(path), { pool: poolOf(url), name: typeof body.name === 'string' ? body.name : basename(path), onProgress: p => { onProgress({ ...p, total: size }) } }))
    },
    'GET /v1/store/objects/:id': async (req, url, params) => {
      const objects = await pools.objects(poolOf(url))
      return rawBytesOnceStarted(objects.get(params.id, { signal: clientGone(req) }))
    },
    'GET /v1/store/objects/:id/info': async (_req, url, params) => (await pools.objects(poolOf(url))).head(params.id),
    'GET /v1/store/objects/:id/status': async (_req, url, params) => (await pools.objects(poolOf(url))).status(params.id),
    'POST /v1/store/objects/:id/repair': async (_req, url, params) => withProgress<{ bytes: number, segments: number }, unknown>(async onProgress => pools.repair(params.id, { pool: poolOf(url), onProgress })),
    'DELETE /v1/store/objects/:id': async (_req, url, params) => {
      await (await pools.objects(poolOf(url))).delete(params.id)
      return { deleted: params.id }
    }
  }
}
