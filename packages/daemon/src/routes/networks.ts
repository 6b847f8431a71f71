import { ApiError, readJsonBody, requireString, type Routes } from '@p2pcloud/api'
import type { Twin } from '@p2pcloud/twin'

/** The twin's private networks under `/v1/networks` (see packages/api/README.md). */
export function networkRoutes (twin: Twin): Routes {
  const { networks } = twin
  return {
    'GET /v1/networks': async () => networks.store.list(),
    'POST /v1/networks': async (req) => {
      const body: any = await readJsonBody(req)
      if (body.range != null && typeof body.range !== 'string') throw new ApiError(400, 'BadRequest', `range must be a CIDR such as 10.20.0.0/16, not ${JSON.stringify(body.range)}`)
      return networks.store.create(requireString(body, 'name'), { range: body.range })
    },
    'GET /v1/networks/:name': async (_req, _url, params) => networks.show(params.name),
    'DELETE /v1/networks/:name': async (_req, url, params) => {
      await networks.store.remove(params.name, { force: url.searchParams.get('force') === '1' })
      return { deleted: params.name }
    },
    'POST /v1/networks/:name/join': async (req, _url, params) => twin.joinNetwork(params.name, requireString(await readJsonBody(req), 'publicKey')),
    'POST /v1/networks/:name/leave': async (_req, _url, params) => twin.leaveNetwork(params.name)
  }
}
