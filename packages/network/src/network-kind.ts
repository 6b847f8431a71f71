import { join } from 'node:path'
import { emptyResources } from '@p2pcloud/capacity'
import type { KindFarmerInit, KindServiceComponents, WorkloadKind } from '@p2pcloud/farmer'
import { deploymentMessages, peerIdToBytes } from '@p2pcloud/wire'
import { run } from './commands.js'
import { decodeNetwork, type NetworkWorkload, type NetworkWorkloadSpec } from './network-data.js'
import { NetworkDriver, type NetworkDriverOptions } from './network-driver.js'
import type { PortRange } from './network-home.js'
import { NetworkRelay } from './relay-service.js'
import { kernelHasWireguard } from './wireguard-device.js'

/** A farmer's settings for its networks (config.json `farmer.network`), with tests' shorter timers. */
export interface NetworkFarmerInit extends KindFarmerInit {
  network?: {
    /** WireGuard listen ports, one per network (default 51820–52819). */
    ports?: PortRange
    /** A way out through NAT on this host for every network (default off). */
    egress?: boolean
  } & Pick<NetworkDriverOptions, 'tickMs' | 'timings' | 'implementation' | 'hostNetns'>
}

export const DEFAULT_NETWORK_PORTS: PortRange = { first: 51820, last: 52819 }

/**
 * Why this machine cannot run networks, or undefined: root, iproute2, and kernel WireGuard or
 * wireguard-go, with wg. `who` runs them (the farmer, the daemon), `otherwise` is the way out.
 */
export async function networksMissing (who: string, otherwise: string): Promise<string | undefined> {
  const fix = `run ${who} as root with iproute2, wireguard-tools and, without kernel WireGuard, wireguard-go (Debian: apt-get install iproute2 wireguard-tools wireguard-go), or ${otherwise}`
  if (process.getuid?.() !== 0) return `networks need root (WireGuard devices, addresses, routes, namespaces); ${fix}`
  for (const [command, args] of [['ip', ['-V']], ['wg', ['--version']]] as const) {
    if (!await run(command, [...args]).then(() => true, () => false)) return `${command} is not installed; ${fix}`
  }
  if (!await kernelHasWireguard() && !await run('wireguard-go', ['--version']).then(() => true, () => false)) {
    return `the kernel has no WireGuard and wireguard-go is not installed; ${fix}`
  }
  return undefined
}

/**
 * `network`: a farmer's part of one of the twin's private networks (deployment.md §5.1): its /24
 * of the network's /16 and a WireGuard device whose peers are the other members. Books nothing;
 * comes before the containers that attach to it. The twin writes it, never a spec file. On a
 * farmer: the NetworkDriver, the relay (`networkRelay`) that carries its members' WireGuard
 * over the mesh when they cannot reach each other directly.
 */
export const networkKind: WorkloadKind<NetworkWorkloadSpec, NetworkWorkload, { networkRelay: NetworkRelay }> = {
  type: 'network',
  capability: 'network',
  placement: -1,
  applyOrder: 0,
  specKeys: ['name', 'type'],
  parseSpec: (reader, _entries, at) => reader.fail(at, 'a network is not a workload of a spec: create it with "p2pcloud network create NAME" and give each container that joins it network: NAME'),
  encode: spec => deploymentMessages.NetworkData.encode({
    networkId: new Uint8Array(Buffer.from(spec.networkId, 'hex')),
    range: spec.range,
    subnet: spec.subnet,
    members: spec.members.map(m => ({ peerId: peerIdToBytes(m.peerId), publicKey: new Uint8Array(Buffer.from(m.publicKey, 'base64')), subnet: m.subnet, endpoints: m.endpoints }))
  }),
  decode: decodeNetwork,
  resources: () => emptyResources(),
  missing: async () => await networksMissing('the farmer', 'remove "network"'),
  farmer: ({ home, network }: NetworkFarmerInit) => {
    // the driver is made with the farmer, the relay after it: each reaches the other when used
    let driver: NetworkDriver | undefined
    let relay: NetworkRelay | undefined
    return {
      driver: components => {
        driver = new NetworkDriver({
          kind: networkKind,
          root: join(home, 'networks'),
          ports: network?.ports ?? DEFAULT_NETWORK_PORTS,
          self: components.peerId,
          addresses: () => components.addressManager.getAddresses(),
          relays: {
            open: async (...args) => {
              if (relay === undefined) throw new Error('the network relay service is not running')
              return await relay.open(...args)
            }
          },
          egress: network?.egress,
          hostNetns: network?.hostNetns,
          tickMs: network?.tickMs,
          timings: network?.timings,
          implementation: network?.implementation
        })
        return driver
      },
      services: {
        networkRelay: (components: KindServiceComponents) => {
          relay = new NetworkRelay(components, {
            authorize: (networkId, peer, publicKey) => driver?.authorize(networkId, peer, publicKey),
            onInbound: (networkId, peer, datagrams) => { driver?.inbound(networkId, peer, datagrams) }
          })
          return relay
        }
      }
    }
  }
}
