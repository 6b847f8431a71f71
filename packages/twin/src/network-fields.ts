/**
 * Where the twin meets the container kind's `network` and `ip` keys and the `network` kind: the
 * only place that reads or writes them. A container names one of the twin's networks in its spec
 * (`network: backend`); the twin points it at the `network` workload it puts into the deployment
 * (`net-backend`) and fills `ip`.
 */
import type { NetworkWorkloadSpec } from '@p2pcloud/network'
import type { WorkloadSpec } from './spec.js'

/** A container's network keys (ContainerWorkloadSpec's `network` and `ip`). */
export interface ContainerNetworkKeys {
  network?: string
  ip?: string
}

type NetworkedWorkload = WorkloadSpec & ContainerNetworkKeys

/** The network keys of a container; undefined for a workload of another kind. */
export function containerNetworkKeys (workload: WorkloadSpec): ContainerNetworkKeys | undefined {
  if (workload.type !== 'container') return undefined
  const { network, ip } = workload as NetworkedWorkload
  return { network, ip }
}

/**
 * The workload without its network keys: what it books, since a container names its network
 * only once the twin pointed it at the network workload and gave it an address (a farmer refuses
 * one without the other), and the keys book nothing.
 */
export function withoutNetworkKeys (workload: WorkloadSpec): WorkloadSpec {
  if (containerNetworkKeys(workload) == null) return workload
  const { network: _network, ip: _ip, ...rest } = workload as NetworkedWorkload
  return rest as WorkloadSpec
}

/** The container pointed at network workload `network` with address `ip`. */
export function attachContainer (workload: WorkloadSpec, network: string, ip: string): WorkloadSpec {
  return { ...workload, network, ip } as NetworkedWorkload
}

/** The `network` workloads of a deployment's (stored) spec. */
export function networkWorkloadsOf (workloads: readonly WorkloadSpec[]): NetworkWorkloadSpec[] {
  return workloads.filter(w => (w.type as string) === 'network') as unknown as NetworkWorkloadSpec[]
}

/** The spec's workloads other than its `network` ones, and `networks` with them. */
export function withNetworkWorkloads (workloads: readonly WorkloadSpec[], networks: readonly NetworkWorkloadSpec[]): WorkloadSpec[] {
  return [...networks as unknown as WorkloadSpec[], ...workloads.filter(w => (w.type as string) !== 'network')]
}
