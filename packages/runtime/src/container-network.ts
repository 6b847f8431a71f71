import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Deployment, NetworkAttachments } from '@p2pcloud/farmer'
import { networkKind, parseIpv4 } from '@p2pcloud/network'
import { ErrorCodes, ProtocolError, type ContainerData } from '@p2pcloud/wire'

const run = promisify(execFile)

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

/**
 * A container's own network namespace, when it joins a network: made here (`ip netns add`,
 * so runc joins it instead of making one), given an interface in the network by the network
 * driver, removed with the container. A container without a network gets none: runc makes it a
 * fresh namespace with loopback only.
 */
export class ContainerNetwork {
  constructor (private readonly networks: NetworkAttachments | undefined) {}

  /** Where runc finds the namespace of `netns`. */
  static path (netns: string): string {
    return `/var/run/netns/${netns}`
  }

  /** Make `netns` and attach it to the container's network at its ip, as `owner`. */
  async join (contractId: string, name: string, data: ContainerData, netns: string, owner: string): Promise<void> {
    if (this.networks === undefined) throw new Error(`container "${name}": this farmer runs no networks`)
    await this.leave(netns, owner)
    await run('ip', ['netns', 'add', netns])
    await this.networks.attach(contractId, data.network, netns, data.ip, owner)
  }

  /** Give the address back and remove the namespace (with it the container's end of the veth); idempotent. */
  async leave (netns: string, owner: string): Promise<void> {
    await this.networks?.detach(owner)
    await run('ip', ['netns', 'del', netns]).catch(() => {})
  }
}
