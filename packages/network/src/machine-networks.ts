import { logger } from '@libp2p/logger'
import type { PeerId, Startable } from '@libp2p/interface'
import { HostInterface } from './host-interface.js'
import type { DatagramRelay } from './datagram-relay.js'
import type { NetworkWorkload, NetworkWorkloadSpec } from './network-data.js'
import { NETWORK_TICK_MS, overlayPeer } from './network-driver.js'
import { NetworkHome, networkHostId, type PortRange } from './network-home.js'
import { DEFAULT_NETWORK_PORTS, networkKind, networksMissing } from './network-kind.js'
import { NetworkOverlay, type PathTimings, type PeerPath } from './network-overlay.js'
import { overlayNames } from './overlay-namespace.js'
import { ownEndpoints } from './own-endpoints.js'
import { NetworkRelay, type NetworkRelayComponents } from './relay-service.js'
import type { WireguardImplementation } from './wireguard-device.js'
import type { WireguardKeyPair } from './wireguard-keys.js'

const log = logger('p2pcloud:network:machine')

export interface MachineNetworksComponents extends NetworkRelayComponents {
  peerId: PeerId
  /** This peer's own addresses: the machine's endpoints are their IPv4 hosts. */
  addressManager: { getAddresses: () => Array<{ toString: () => string }> }
}

export interface MachineNetworksInit {
  /** `<home>/joined-networks`: per network joined, its private key (0600) and listen port (network-home.ts). */
  root: string
  /** WireGuard listen ports, one per network joined (default 51820–52819). */
  ports?: PortRange
  tickMs?: number
  timings?: Partial<PathTimings>
  implementation?: WireguardImplementation
  /**
   * Why this peer runs no member of its own (a farmer offering `network`: the relay protocol has
   * one handler per peer, its farmer's): `missing()` says so and no relay handler is registered.
   */
  unavailable?: string
}

/** What the other members need of this machine, and where it runs. */
export interface MachineMembership {
  publicKey: string
  /** `a.b.c.d:port`, best first (ownEndpoints). */
  endpoints: string[]
  /** The WireGuard device holding the machine's address. */
  device: string
  listenPort: number
}

/** What a machine runs of a network: the same data as a farmer's network workload (the twin writes both). */
export type MachineNetworkSpec = Pick<NetworkWorkloadSpec, 'name' | 'networkId' | 'range' | 'subnet' | 'members'>

interface Joined {
  id: string
  workload: NetworkWorkload
  keys: WireguardKeyPair
  listenPort: number
  host: HostInterface
  paths: NetworkOverlay
}

/**
 * The networks this machine joined live (`p2pcloud network join` without a file): per network a
 * WireGuard device in the machine's own namespace (HostInterface) whose peers are the farmers,
 * its path to each decided by a NetworkOverlay as on a farmer, over the mesh relay when a NAT
 * leaves no direct path. Keys and listen ports stay on disk, so a restarted daemon brings the
 * same member up again (`up`); `stop` removes the devices, since nothing here runs without the
 * daemon. Its relay service answers the members of the networks joined, by the keys listed.
 */
export class MachineNetworks implements Startable {
  private readonly home: NetworkHome
  private readonly relay: NetworkRelay
  /** By network id (hex). */
  private readonly joined = new Map<string, Joined>()
  private queue: Promise<unknown> = Promise.resolve()
  private timer?: ReturnType<typeof setInterval>

  constructor (private readonly components: MachineNetworksComponents, private readonly init: MachineNetworksInit) {
    this.home = new NetworkHome(init.root, init.ports ?? DEFAULT_NETWORK_PORTS)
    this.relay = new NetworkRelay(components, {
      authorize: (networkId, peer, publicKey) => this.authorize(networkId, peer, publicKey),
      onInbound: (networkId, peer, relay) => { this.inbound(networkId, peer, relay) }
    })
  }

  async start (): Promise<void> {
    if (this.init.unavailable === undefined) await this.relay.start()
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.serial(async () => {
      for (const joined of this.joined.values()) await this.takeDown(joined)
    })
    if (this.init.unavailable === undefined) await this.relay.stop()
  }

  /** Why this daemon cannot run a member, or undefined. */
  async missing (): Promise<string | undefined> {
    return this.init.unavailable ?? await networksMissing('the daemon', 'join with --wg-config FILE and bring it up with wg-quick')
  }

  /** The public key kept for network `networkId` (hex), if this machine joined it live before. */
  async keptKey (networkId: string): Promise<string | undefined> {
    return (await this.home.keptKeys(this.idOf(networkId)))?.publicKey
  }

  isUp (networkId: string): boolean {
    return this.joined.has(networkId)
  }

  /**
   * Run this machine's member of a network, or give the running one its new members: the key
   * kept (else a new one), the device with `.1` of `spec.subnet`, the /16 routed to it.
   */
  async up (spec: MachineNetworkSpec): Promise<MachineMembership> {
    // checked as a farmer checks its workload: the members' keys and endpoints came from farmers
    const workload = networkKind.decode({ name: spec.name, type: networkKind.type, version: 0, data: networkKind.encode({ ...spec, type: 'network' }) })
    return await this.serial(async () => {
      let joined = this.joined.get(spec.networkId)
      if (joined !== undefined && (joined.workload.range.toString() !== workload.range.toString() || joined.workload.subnet.index !== workload.subnet.index)) {
        await this.takeDown(joined)
        joined = undefined
      }
      joined ??= await this.bringUp(spec.networkId, workload)
      joined.workload = workload
      await joined.paths.setPeers(workload.members.map(overlayPeer))
      return { publicKey: joined.keys.publicKey, endpoints: ownEndpoints(this.components.addressManager.getAddresses(), joined.listenPort), device: joined.host.device.name, listenPort: joined.listenPort }
    })
  }

  /** Leave network `networkId` (hex): its device goes, and its key (a later join is a new member). */
  async down (networkId: string): Promise<void> {
    await this.serial(async () => {
      const joined = this.joined.get(networkId)
      if (joined !== undefined) await this.takeDown(joined)
      await this.home.remove(this.idOf(networkId))
    })
  }

  /** How this machine reaches each other member of network `networkId` (hex), while it runs. */
  async paths (networkId: string): Promise<PeerPath[] | undefined> {
    return await this.joined.get(networkId)?.paths.paths()
  }

  private idOf (networkId: string): string {
    const self = this.components.peerId.toString()
    return networkHostId(self, self, networkId)
  }

  private async serial<T> (work: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => {}).then(work)
    this.queue = next
    return await next
  }

  private async bringUp (networkId: string, workload: NetworkWorkload): Promise<Joined> {
    const id = this.idOf(networkId)
    const stored = await this.home.read(id)
    const listenPort = stored?.listenPort ?? await this.home.freePort(id)
    // no workloads: the machine itself is the member
    await this.home.write(id, { twin: this.components.peerId.toString(), networkId, range: workload.range.toString(), subnet: workload.subnet.index, listenPort, workloads: [] })
    const keys = await this.home.keys(id)
    let host: HostInterface
    try {
      host = await HostInterface.create({ device: overlayNames(id).device, range: workload.range, subnet: workload.subnet, implementation: this.init.implementation })
    } catch (err) {
      if (stored === undefined) await this.home.remove(id)
      throw err
    }
    const paths = new NetworkOverlay({
      networkId: workload.networkId, self: this.components.peerId, keys, listenPort, overlay: host, relays: this.relay, timings: this.init.timings
    })
    const joined: Joined = { id, workload, keys, listenPort, host, paths }
    this.joined.set(networkId, joined)
    this.timer ??= setInterval(() => { void this.tick() }, this.init.tickMs ?? NETWORK_TICK_MS)
    return joined
  }

  private async takeDown (joined: Joined): Promise<void> {
    this.joined.delete(Buffer.from(joined.workload.networkId).toString('hex'))
    await joined.paths.close()
    await joined.host.destroy()
    if (this.joined.size === 0) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  /** The relay's question: our WireGuard port for `peer`, when it is a member of a network joined here with key `publicKey`. */
  private authorize (networkId: Uint8Array, peer: PeerId, publicKey: Uint8Array): { wireguardPort: number } | undefined {
    const joined = this.joined.get(Buffer.from(networkId).toString('hex'))
    const key = Buffer.from(publicKey).toString('base64')
    return joined?.workload.members.some(member => member.peerId === peer.toString() && member.publicKey === key) === true
      ? { wireguardPort: joined.listenPort }
      : undefined
  }

  private inbound (networkId: Uint8Array, peer: PeerId, relay: DatagramRelay): void {
    const joined = this.joined.get(Buffer.from(networkId).toString('hex'))
    if (joined === undefined) { void relay.close(); return }
    this.serial(async () => { await joined.paths.inbound(peer, relay) }).catch(err => { log.error('relay from %p into network %s failed - %e', peer, joined.id, err) })
  }

  private async tick (): Promise<void> {
    await this.serial(async () => {
      for (const joined of this.joined.values()) {
        await joined.paths.tick().catch(err => { log.error('deciding the paths of network %s failed - %e', joined.id, err) })
      }
    })
  }
}

/** The machine's networks as a libp2p service: `services: { machineNetworks: machineNetworks(init) }`. */
export function machineNetworks (init: MachineNetworksInit): (components: MachineNetworksComponents) => MachineNetworks {
  return components => new MachineNetworks(components, init)
}
