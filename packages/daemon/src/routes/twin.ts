import { ApiError, clientGone, ndjson, readJsonBody, requireString, type Routes } from '@p2pcloud/api'
import { peerIdFromString } from '@libp2p/peer-id'
import { contractView } from '@p2pcloud/contracts'
import { isNoAnswer, parseDeploymentSpec, parseDuration, specResources, type Twin } from '@p2pcloud/twin'

function isPeerId (text: string): boolean {
  try {
    peerIdFromString(text)
    return true
  } catch {
    return false
  }
}

/** The twin's deployments under `/v1/deployments` and its contracts under `/v1/contracts`. */
export function twinRoutes (twin: Twin): Routes {
  return {
    'POST /v1/deployments': async (req) => {
      const body = await readJsonBody(req)
      const source = typeof (body as any).source === 'string' ? (body as any).source : 'spec'
      return twin.deploy(parseDeploymentSpec(requireString(body, 'spec'), source))
    },
    // with what each books, so that a client lists them without the workload kinds' rules
    'GET /v1/deployments': async () => (await twin.list()).map(record => ({ ...record, resources: specResources(record.spec) })),
    'GET /v1/pending': async () => twin.pendingReservations(),
    'PUT /v1/deployments/:name': async (req, _url, params) => {
      const body = await readJsonBody(req)
      const source = typeof (body as any).source === 'string' ? (body as any).source : 'spec'
      const spec = parseDeploymentSpec(requireString(body, 'spec'), source)
      if (spec.name !== params.name) throw new ApiError(400, 'BadRequest', `the spec names "${spec.name}", not "${params.name}"`)
      return twin.update(spec)
    },
    'GET /v1/deployments/:name': async (_req, _url, params) => twin.get(params.name),
    'DELETE /v1/deployments/:name': async (_req, url, params) => twin.delete(params.name, { force: url.searchParams.get('force') === '1' }),
    'POST /v1/deployments/:name/renew': async (req, _url, params) => {
      const body = await readJsonBody(req)
      const shorten = (body as { shorten?: unknown }).shorten
      if (shorten != null && typeof shorten !== 'boolean') throw new ApiError(400, 'BadRequest', `shorten must be true or false, not ${JSON.stringify(shorten)}`)
      return twin.renew(params.name, parseDuration(requireString(body, 'lease')), { shorten: shorten === true })
    },
    'GET /v1/deployments/:name/logs': async (req, url, params) => {
      const tail = url.searchParams.get('tail')
      const tailBytes = tail == null ? undefined : Number(tail)
      if (tailBytes != null && (!Number.isSafeInteger(tailBytes) || tailBytes < 0 || tailBytes > 2 ** 32 - 1)) throw new ApiError(400, 'BadRequest', `tail must be a number of bytes, not ${tail}`)
      const chunks = await twin.logs(params.name, { workload: url.searchParams.get('workload') ?? undefined, follow: url.searchParams.get('follow') === '1', tailBytes, signal: clientGone(req) })
      return ndjson((async function * () {
        for await (const chunk of chunks) yield { at: chunk.at, stream: chunk.stream, data: Buffer.from(chunk.data).toString('base64') }
      })())
    },
    'GET /v1/deployments/:name/receipts': async (_req, _url, params) => twin.receipts(params.name),
    'GET /v1/contracts': async () => {
      const farmers = [...new Set((await twin.list()).map(record => record.farmer))]
      // a farmer that does not answer lists nothing: the others' contracts are still worth having
      const lists = await Promise.all(farmers.map(async farmer => twin.contracts(peerIdFromString(farmer)).catch(err => {
        if (isNoAnswer(err)) return []
        throw err
      })))
      return lists.flat().map(contractView)
    },
    'POST /v1/contracts/:id/cancel': async (req, _url, params) => {
      const farmer = (await readJsonBody(req) as { farmer?: unknown }).farmer
      if (farmer != null && (typeof farmer !== 'string' || !isPeerId(farmer))) throw new ApiError(400, 'BadRequest', `farmer must be a peer id, not ${JSON.stringify(farmer)}`)
      if (!/^[0-9a-f]{64}$/.test(params.id)) throw new ApiError(400, 'BadRequest', `"${params.id}" is not a contract id (64 hex digits)`)
      return contractView(await twin.cancelContract(params.id, farmer ?? undefined))
    }
  }
}
