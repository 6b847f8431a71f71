import { SpecError, type DeploymentStatusView } from '@p2pcloud/farmer'
import { GATEWAY_FQDN_TYPE, GATEWAY_NAME_TYPE, deploymentMessages } from '@p2pcloud/wire'
import type { DeploymentSpec } from './spec.js'
import { containerNetworkKeys, networkWorkloadsOf } from './network-fields.js'
import type { TwinDeploymentRecord } from './twin-store.js'

/** What resolving gateway backends looks up among the twin's own records. */
export interface BackendLookups {
  deployment: (name: string) => Promise<TwinDeploymentRecord | undefined>
  deployments: () => Promise<TwinDeploymentRecord[]>
  /** The twin's name of its network with this id (hex); undefined when it has none. */
  networkName: (networkId: string) => Promise<string | undefined>
}

/**
 * A gateway's backend as the spec names it (`web/httpd:8080`, or an overlay `10.20.3.2:8080`: the
 * container of the twin's that has that address) made into what the gateway is sent: the contract
 * and farmer of this twin's deployment `web`, whose workload `httpd` must be a container (on a
 * network or not: its farmer reaches it from inside its network, or its own namespace), and on a
 * network its address there. Errors point at the backend's line and column.
 */
export async function resolveGatewayBackends (spec: DeploymentSpec, lookups: BackendLookups): Promise<DeploymentSpec> {
  const workloads = await Promise.all(spec.workloads.map(async workload => {
    if (workload.type !== 'gateway-name' && workload.type !== 'gateway-fqdn') return workload
    const fail = (problem: string): never => { throw new SpecError(problem, workload.backend.at) }
    const backend = workload.backend.address === undefined ? workload.backend : { ...workload.backend, ...await holderOf(workload.backend.address, lookups, fail) }
    const record = await lookups.deployment(backend.deployment)
    if (record === undefined) return fail(`"${backend.deployment}" is not one of your deployments (p2pcloud ls lists them); deploy the backend first`)
    const target = record.spec.workloads.find(w => w.name === backend.workload)
    const containers = record.spec.workloads.filter(w => w.type === 'container').map(w => w.name)
    if (target === undefined) return fail(`deployment "${backend.deployment}" has no workload "${backend.workload}"; its containers: ${containers.join(', ') || 'none'}`)
    if (target.type !== 'container') return fail(`${backend.deployment}/${backend.workload} is a ${target.type}, not a container; a gateway sends connections to a container's port`)
    const resolved = { ...backend, contractId: record.contractId, farmer: record.farmer }
    // on a network: the gateway may join it and reach the container at its address (deployOn decides)
    const keys = containerNetworkKeys(target)
    const network = networkWorkloadsOf(record.spec.workloads).find(w => w.name === keys?.network)
    const name = network === undefined ? undefined : await lookups.networkName(network.networkId)
    return { ...workload, backend: name === undefined || keys?.ip === undefined ? resolved : { ...resolved, overlay: { network: name, ip: keys.ip } } }
  }))
  return { ...spec, workloads }
}

/** The deployment and container of the twin's that has overlay address `address` (a twin's networks never share a range). */
async function holderOf (address: string, lookups: BackendLookups, fail: (problem: string) => never): Promise<{ deployment: string, workload: string }> {
  for (const record of await lookups.deployments()) {
    const holder = record.spec.workloads.find(w => containerNetworkKeys(w)?.ip === address)
    if (holder !== undefined) return { deployment: record.name, workload: holder.name }
  }
  return fail(`no container of yours has the address ${address} in any of your networks; name it as deployment/workload:port`)
}

/**
 * The spec with every gateway backend granted until `until` (Unix ms, the gateway contract's lease
 * end as the twin knows it): the backend's farmer takes the gateway's proof until then, so a
 * gateway whose lease ended, and was not renewed, loses its backends (gateway-tunnel.md §5.1).
 */
export function grantGatewayBackends (spec: DeploymentSpec, until: number): DeploymentSpec {
  if (!hasGatewayBackends(spec)) return spec
  return {
    ...spec,
    workloads: spec.workloads.map(w => w.type === 'gateway-name' || w.type === 'gateway-fqdn' ? { ...w, backend: { ...w.backend, validUntil: until } } : w)
  }
}

export function hasGatewayBackends (spec: DeploymentSpec): boolean {
  return spec.workloads.some(w => w.type === 'gateway-name' || w.type === 'gateway-fqdn')
}

/** A gateway workload as `show` gives it: where it is served and whether its backend answered the gateway's last check. */
export interface GatewayView {
  name: string
  url: string
  backend: 'answers' | 'does not answer' | 'not checked yet'
  /** ISO time of that check. */
  checkedAt?: string
  /** Why it does not answer, or what its certificate waits for. */
  detail?: string
}

const BACKEND_STATES: Record<deploymentMessages.GatewayBackendState, GatewayView['backend']> = {
  ANSWERS: 'answers',
  NO_ANSWER: 'does not answer',
  UNCHECKED: 'not checked yet'
}

/** The gateway workloads of a status, from what their gateway reports (GatewayResult); one that does not decode is left out. */
/** The longest URL and detail of a gateway's result passed on: what a gateway farmer reports is its own words, bounded. */
const MAX_URL_CHARS = 300
const MAX_DETAIL_CHARS = 500

/** `url` when it is an http(s) URL of sane length, else undefined: a hostile gateway's `javascript:` never reaches a page. */
function webUrl (url: string): string | undefined {
  if (url.length > MAX_URL_CHARS || !URL.canParse(url)) return undefined
  return ['http:', 'https:'].includes(new URL(url).protocol) ? url : undefined
}

/** Each gateway workload's result as its farmer reported it, its URL checked and its detail bounded. */
export function gatewayViews (status: DeploymentStatusView | undefined): GatewayView[] {
  return (status?.workloads ?? []).flatMap(w => {
    if ((w.type !== GATEWAY_NAME_TYPE && w.type !== GATEWAY_FQDN_TYPE) || w.result === undefined) return []
    try {
      const result = deploymentMessages.GatewayResult.decode(w.result)
      const url = webUrl(result.url)
      const detail = url === undefined ? `the gateway reported no http(s) URL${result.detail !== '' ? `; ${result.detail}` : ''}` : result.detail
      return [{
        name: w.name,
        url: url ?? '',
        backend: BACKEND_STATES[result.backend] ?? 'not checked yet',
        ...(result.checkedAtMs > 0 ? { checkedAt: new Date(result.checkedAtMs).toISOString() } : {}),
        ...(detail !== '' ? { detail: detail.slice(0, MAX_DETAIL_CHARS) } : {})
      }]
    } catch {
      return []
    }
  })
}
