import { badRequest, readJsonBody, requireString, withProgress, type Routes } from '@p2pcloud/api'
import { DeploymentNotFoundError, neededCapabilities, neededCapability, parseDeploymentSpec, specResources, type DeploymentSpec, type Twin } from '@p2pcloud/twin'
import { workloadKinds } from '@p2pcloud/workloads'
import type { UiSessions } from './ui-sessions.js'
import { specYaml } from './ui-spec-yaml.js'

/**
 * The `GET /v1/find` query of the farmers a deploy of `spec` would try, cheapest first: its
 * `where`, the capability its workloads need, free room for what they book (as the twin asks).
 */
function findQuery (spec: DeploymentSpec): Record<string, string> {
  const need = specResources(spec)
  const capability = neededCapability(spec)
  const query: Record<string, string | number | undefined> = {
    country: spec.where.country,
    farm: spec.where.farm,
    capability,
    'max-price': spec.where.maxPrice,
    cru: need.cru,
    mru: need.mru,
    sru: need.sru,
    hru: need.hru,
    sort: 'price'
  }
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v != null && v !== 0).map(([k, v]) => [k, String(v)]))
}

/**
 * The /v1 routes the web UI needs beside the others: a login link, a spec checked without
 * deploying it, the workload kinds it can deploy, and an upload that stores the request's body (a browser has no path on the
 * daemon's disk to give `POST /v1/store/objects`).
 */
export function uiRoutes (sessions: UiSessions, apiUrl: () => string, twin: Twin): Routes {
  return {
    'POST /v1/ui/login': async () => {
      const { code, expiresAt } = sessions.issueCode()
      return { url: `${apiUrl()}/ui/login?code=${code}`, expiresAt: new Date(expiresAt).toISOString() }
    },
    // the wizard shows the daemon's own spec errors (line:column) as the YAML is edited, and
    // which farmers a deploy would try (unless the spec names one)
    'POST /v1/ui/check': async (req) => {
      const body = await readJsonBody(req)
      const source = typeof (body as any).source === 'string' ? (body as any).source : 'spec'
      const spec = parseDeploymentSpec(requireString(body, 'spec'), source)
      // find searches by one capability; the twin then tries only the farmers offering all of them
      return { spec, need: specResources(spec), find: spec.where.farmer == null ? findQuery(spec) : undefined, capabilities: neededCapabilities(spec) }
    },
    // the wizard offers only the kinds this daemon can deploy (a gateway before its kind merged says so)
    'GET /v1/ui/kinds': async () => ({
      kinds: workloadKinds.all.map(kind => ({ type: kind.type, capability: kind.capability })),
      planned: workloadKinds.planned
    }),
    // the update editor starts from what is deployed
    'GET /v1/ui/deployments/:name/spec': async (_req, _url, params) => {
      const record = (await twin.list()).find(r => r.name === params.name)
      if (record == null) throw new DeploymentNotFoundError(`no deployment named "${params.name}"; see p2pcloud ls`)
      return { yaml: specYaml(record.spec) }
    },
    // as POST /v1/store/objects answers: NDJSON progress of what is stored, then the object
    'POST /v1/ui/objects': async (req, url) => {
      const name = url.searchParams.get('name')
      if (name == null || name === '') throw badRequest('name the object: ?name=<file name>')
      const total = Number(req.headers['content-length'])
      if (!Number.isSafeInteger(total)) throw badRequest('the upload needs a Content-Length')
      const objects = await twin.pools.objects(url.searchParams.get('pool') ?? undefined)
      return withProgress<{ bytes: number, segments: number, total: number }, unknown>(async onProgress =>
        objects.put(req, { name, onProgress: p => { onProgress({ ...p, total }) } }))
    }
  }
}
