/**
 * Where the twin meets the container kind's `network` and `ip` keys and the `network` kind: the
 * only place that reads or writes them. A container names one of the twin's networks in its spec
 * (`network: backend`); the twin points it at the `network` workload it puts into the deployment
 * (`net-backend`) and fills `ip`. A gateway whose backend is on a network the gateway joins names
 * it the same way (its backend's `overlay`).
 */
import { networkKind, type NetworkWorkloadSpec } from '@p2pcloud/network'
import { containerKind, type ContainerWorkloadSpec } from '@p2pcloud/runtime'
import type { GatewayWorkloadSpec } from '@p2pcloud/gateway'
import type { WorkloadSpec } from './spec.js'

/** A container's network keys (ContainerWorkloadSpec's `network` and `ip`). */
export type ContainerNetworkKeys = Pick<ContainerWorkloadSpec, 'network' | 'ip'>

/** The network keys of a container; undefined for a workload of another kind. */
export function containerNetworkKeys (workload: WorkloadSpec): ContainerNetworkKeys | undefined {
  if (workload.type !== containerKind.type) return undefined
  return { network: workload.network, ip: workload.ip }
}

/**
 * The workload without its network keys: what it books, since a container names its network
 * only once the twin pointed it at the network workload and gave it an address (a farmer refuses
 * one without the other), and the keys book nothing.
 */
export function withoutNetworkKeys (workload: WorkloadSpec): WorkloadSpec {
  if (workload.type !== containerKind.type) return workload
  const { network: _network, ip: _ip, ...rest } = workload
  return rest
}

/** The container pointed at network workload `network` with address `ip`. */
export function attachContainer (workload: WorkloadSpec, network: string, ip: string): WorkloadSpec {
  return workload.type === containerKind.type ? { ...workload, network, ip } : workload
}

/** The `network` workloads of a deployment's (stored) spec. */
export function networkWorkloadsOf (workloads: readonly WorkloadSpec[]): NetworkWorkloadSpec[] {
  return workloads.filter((w): w is NetworkWorkloadSpec => w.type === networkKind.type)
}

/** The spec's workloads other than its `network` ones, and `networks` with them. */
export function withNetworkWorkloads (workloads: readonly WorkloadSpec[], networks: readonly NetworkWorkloadSpec[]): WorkloadSpec[] {
  return [...networks, ...workloads.filter(w => w.type !== networkKind.type)]
}

const isGateway = (workload: WorkloadSpec): workload is GatewayWorkloadSpec => workload.type === 'gateway-name' || workload.type === 'gateway-fqdn'

/** The network a gateway's backend is reached over (its user name before `prepare`, its workload's after); undefined for others. */
export function gatewayOverlayNetwork (workload: WorkloadSpec): string | undefined {
  return isGateway(workload) ? workload.backend.overlay?.network : undefined
}

/** The gateway's backend reached over network workload `network`. */
export function pointGatewayAt (workload: WorkloadSpec, network: string): WorkloadSpec {
  if (!isGateway(workload) || workload.backend.overlay === undefined) return workload
  return { ...workload, backend: { ...workload.backend, overlay: { ...workload.backend.overlay, network } } }
}

/** The spec with no gateway backend over a network: the gateway farmer does not offer `network`, so the mesh it is. */
export function withoutGatewayOverlays (workloads: readonly WorkloadSpec[]): WorkloadSpec[] {
  return workloads.map(w => {
    if (!isGateway(w) || w.backend.overlay === undefined) return w
    const { overlay: _overlay, ...backend } = w.backend
    return { ...w, backend }
  })
}
