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
      await networks.remove(params.name, { force: url.searchParams.get('force') === '1' })
      return { deleted: params.name }
    },
    // with a publicKey the machine's key was made elsewhere (a wg-quick file); without, the daemon runs the member
    'POST /v1/networks/:name/join': async (req, _url, params) => {
      const body: any = await readJsonBody(req)
      return twin.joinNetwork(params.name, body.publicKey == null ? undefined : requireString(body, 'publicKey'))
    },
    'POST /v1/networks/:name/leave': async (_req, _url, params) => twin.leaveNetwork(params.name)
  }
}
