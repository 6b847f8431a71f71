import type { Deployment } from '@p2pcloud/farmer'
import { networkKind, parseIpv4 } from '@p2pcloud/network'
import { ErrorCodes, ProtocolError, type ContainerData } from '@p2pcloud/wire'

/** Whether `text` is a dotted IPv4 address. */
export function isIpv4 (text: string): boolean {
  try {
    parseIpv4(text)
    return true
  } catch {
    return false
  }
}

/** Check 15d: a container's network is a `network` workload of its deployment, and its ip a workload address of that network's /24 here. */
export function checkContainerNetwork (name: string, data: ContainerData, deployment: Deployment): void {
  if (data.network === '') return
  const workload = deployment.workloads.find(w => w.name === data.network && w.type === networkKind.type)
  if (workload === undefined) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `container "${name}": network "${data.network}" is not a network workload of this deployment`)
  const { subnet } = networkKind.decode(workload)
  if (!subnet.isWorkloadAddress(parseIpv4(data.ip))) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `container "${name}": ip "${data.ip}" is not a workload address of ${subnet.toString()}`)
}
