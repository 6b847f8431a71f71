import { ip, run } from './commands.js'
import { formatIpv4, type MemberSubnet, type NetworkRange } from './address-plan.js'
import { WireguardDevice, type WireguardDeviceOptions } from './wireguard-device.js'
import type { WireguardConfig } from './wireguard-config.js'

/** The names on the host of one network: its namespace and its WireGuard device; 8 hex digits keep the device under 15 bytes. */
export interface OverlayNames {
  /** Network namespace of the network on this host. */
  netns: string
  /** WireGuard device, made in the host's namespace and moved into `netns`. */
  device: string
}

const ID = /^[0-9a-f]{8}$/
const INTERFACE = /^[a-zA-Z0-9_-]{1,15}$/
/** What a hook's command line may hold unquoted: names, addresses, CIDRs, paths and `$pid`. */
const SAFE_WORD = /^[A-Za-z0-9_.:/=$-]+$/

/** Host-wide names for the network whose id is `id` (8 hex digits the caller derives from the network, e.g. a hash). */
export function overlayNames (id: string): OverlayNames {
  if (!ID.test(id)) throw new Error(`overlay id "${id}" is not 8 hex digits`)
  return { netns: `p2pn-${id}`, device: `p2pw-${id}` }
}

export interface OverlayNamespaceOptions {
  names: OverlayNames
  range: NetworkRange
  subnet: MemberSubnet
  /** Where the WireGuard socket lives (the namespace that reaches the internet); default the caller's. */
  hostNetns?: string
  /** Workloads attached get a default route through the gateway (the network has an Egress); without, only the range is routed. */
  egress?: boolean
  implementation?: WireguardDeviceOptions['implementation']
}

/**
 * One network on one member host: a namespace of its own holding a bridge (`br0`, the
 * member's /24, its `.1`) for the workloads' veths and the WireGuard device that carries the
 * rest of the /16 to the other members. Nothing of the network is in the host's namespace but
 * the device's UDP socket, so workloads of a network reach its other members and nothing else.
 */
export class OverlayNamespace {
  private constructor (private readonly options: OverlayNamespaceOptions, readonly device: WireguardDevice) {}

  get netns (): string {
    return this.options.names.netns
  }

  /** Make the network's namespace, bridge and device, or take over what an earlier run left (idempotent). */
  static async create (options: OverlayNamespaceOptions): Promise<OverlayNamespace> {
    const { names, subnet, range } = options
    const existing = await namespaceExists(names.netns)
    if (!existing) {
      await ip(['netns', 'add', names.netns])
      await ip(['link', 'set', 'lo', 'up'], names.netns)
      // the namespace routes between its bridge and its device
      await run('sysctl', ['-qw', 'net.ipv4.ip_forward=1'], { netns: names.netns })
      await ip(['link', 'add', 'br0', 'type', 'bridge'], names.netns)
      await ip(['addr', 'add', `${formatIpv4(subnet.gateway)}/24`, 'dev', 'br0'], names.netns)
      await ip(['link', 'set', 'br0', 'up'], names.netns)
    }
    const inNamespace = await ip(['link', 'show', names.device], names.netns).then(() => true, () => false)
    const device = inNamespace
      ? await WireguardDevice.create(names.device, { netns: names.netns })
      : await WireguardDevice.create(names.device, { netns: options.hostNetns, implementation: options.implementation })
    if (!inNamespace) {
      await device.moveTo(names.netns)
      await ip(['link', 'set', names.device, 'up'], names.netns)
      await ip(['route', 'replace', range.toString(), 'dev', names.device], names.netns)
    }
    return new OverlayNamespace(options, device)
  }

  async configure (config: WireguardConfig): Promise<void> {
    await this.device.configure(config)
  }

  /**
   * Give the workload whose namespace is `workloadNetns` an interface in this network: a veth
   * whose far end (`eth0` there) holds `address`/24, with the /16 routed through the gateway
   * (and, with `egress`, everything else too).
   */
  async attach (workloadNetns: string, address: number, vethName: string): Promise<void> {
    await ip(['link', 'del', vethName], this.netns).catch(() => {})
    for (const [command, ...args] of this.attachCommands({ name: workloadNetns, path: `/var/run/netns/${workloadNetns}` }, address, vethName)) await run(command, args)
  }

  /**
   * The same as a shell script for an OCI `createRuntime` hook: runc runs it with the new
   * container's state (its `pid`) on stdin, once the container's own namespaces exist and
   * before its process starts, so the workload finds its interface from its first instruction.
   */
  attachScript (address: number, vethName: string): string {
    const commands = this.attachCommands({ name: '$pid', path: '/proc/$pid/ns/net' }, address, vethName)
    const line = (argv: string[]): string => argv.map(word => {
      if (!SAFE_WORD.test(word)) throw new Error(`"${word}" cannot be written into a hook`)
      return word
    }).join(' ')
    return [
      'set -e',
      'pid=$(sed -n \'s/.*"pid": *\\([0-9][0-9]*\\).*/\\1/p\')',
      '[ -n "$pid" ]',
      `${line(['ip', '-n', this.netns, 'link', 'del', vethName])} 2>/dev/null || true`,
      ...commands.map(line)
    ].join('\n')
  }

  /** The commands that attach the namespace `target` names (for `ip … netns`, and as a path for nsenter). */
  private attachCommands (target: { name: string, path: string }, address: number, vethName: string): string[][] {
    if (!this.options.subnet.isWorkloadAddress(address)) throw new Error(`${formatIpv4(address)} is not a workload address of ${this.options.subnet.toString()}`)
    if (!INTERFACE.test(vethName)) throw new Error(`"${vethName}" is not an interface name`)
    const inWorkload = (...args: string[]): string[] => ['nsenter', `--net=${target.path}`, 'ip', ...args]
    return [
      ['ip', '-n', this.netns, 'link', 'add', vethName, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', target.name],
      ['ip', '-n', this.netns, 'link', 'set', vethName, 'master', 'br0'],
      ['ip', '-n', this.netns, 'link', 'set', vethName, 'up'],
      inWorkload('addr', 'add', `${formatIpv4(address)}/24`, 'dev', 'eth0'),
      inWorkload('link', 'set', 'eth0', 'up'),
      inWorkload('link', 'set', 'lo', 'up'),
      inWorkload('route', 'replace', this.options.range.toString(), 'via', formatIpv4(this.options.subnet.gateway)),
      ...(this.options.egress === true ? [inWorkload('route', 'replace', 'default', 'via', formatIpv4(this.options.subnet.gateway))] : [])
    ]
  }

  /** Remove the network from this host: its namespace goes, and with it the bridge, the veths and the device. */
  async destroy (): Promise<void> {
    await this.device.destroy()
    await ip(['netns', 'del', this.netns]).catch(() => {})
  }
}

async function namespaceExists (netns: string): Promise<boolean> {
  return (await ip(['netns', 'list'])).split('\n').some(line => line.split(' ')[0] === netns)
}
