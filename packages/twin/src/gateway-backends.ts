import { SpecError } from '@p2pcloud/farmer'
import type { DeploymentSpec } from './spec.js'
import type { TwinDeploymentRecord } from './twin-store.js'

/**
 * A gateway's backend as the spec names it (`web/httpd:8080`) made into what the gateway is sent:
 * the contract and farmer of this twin's deployment `web`, whose workload `httpd` must be a
 * container on one of the twin's networks (a backend's farmer reaches containers from inside
 * their network). Errors point at the backend's line and column.
 */
export async function resolveGatewayBackends (spec: DeploymentSpec, deployment: (name: string) => Promise<TwinDeploymentRecord | undefined>): Promise<DeploymentSpec> {
  const workloads = await Promise.all(spec.workloads.map(async workload => {
    if (workload.type !== 'gateway-name' && workload.type !== 'gateway-fqdn') return workload
    const backend = workload.backend
    const fail = (problem: string): never => { throw new SpecError(problem, backend.at) }
    const record = await deployment(backend.deployment)
    if (record === undefined) return fail(`"${backend.deployment}" is not one of your deployments (p2pcloud ls lists them); deploy the backend first`)
    const target = record.spec.workloads.find(w => w.name === backend.workload)
    const containers = record.spec.workloads.filter(w => w.type === 'container').map(w => w.name)
    if (target === undefined) return fail(`deployment "${backend.deployment}" has no workload "${backend.workload}"; its containers: ${containers.join(', ') || 'none'}`)
    if (target.type !== 'container') return fail(`${backend.deployment}/${backend.workload} is a ${target.type}, not a container; a gateway sends connections to a container's port`)
    if (target.network === undefined) return fail(`container ${backend.deployment}/${backend.workload} is on no network; a gateway reaches containers on one of your networks (give it network: NAME)`)
    return { ...workload, backend: { ...backend, contractId: record.contractId, farmer: record.farmer } }
  }))
  return { ...spec, workloads }
}
