import { createHash } from 'node:crypto'
import { dirname, join } from 'node:path'
import { logger } from '@libp2p/logger'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { emptyResources, type Resources } from '@p2pcloud/capacity'
import type { ApplyContext, KindRules, NetworkAttachments, OciHook, WorkloadDriver, WorkloadSpec } from '@p2pcloud/farmer'
import { ErrorCodes, ProtocolError } from '@p2pcloud/wire'
import { NetworkRange, parseIpv4, type Ipv4 } from './address-plan.js'
import { ip } from './commands.js'
import type { DatagramRelay } from './datagram-relay.js'
import { encodeNetworkResult, type NetworkMember, type NetworkWorkload } from './network-data.js'
import { NamespaceDialer } from './namespace-dialer.js'
import { NetworkHome, NetworkIdCollisionError, networkHostId, type PortRange, type StoredNetwork } from './network-home.js'
import { NetworkOverlay, type PathTimings } from './network-overlay.js'
import { Egress, egressLinksInUse } from './egress.js'
import { OverlayNamespace, overlayNames } from './overlay-namespace.js'
import { ownEndpoints } from './own-endpoints.js'
import type { NetworkRelay } from './relay-service.js'
import type { WireguardImplementation } from './wireguard-device.js'
import type { WireguardKeyPair } from './wireguard-keys.js'

const log = logger('p2pcloud:network:driver')

/** How often every network's paths are decided and its result refreshed. */
export const NETWORK_TICK_MS = 5000

export interface NetworkDriverOptions {
  /** Its kind (network-kind.ts), which builds it. */
  kind: KindRules<NetworkWorkload>
  /** `<home>/networks`: a directory per network with its key (network-home.ts). */
  root: string
  /** WireGuard listen ports, one per network (farmer.network.ports). */
  ports: PortRange
  /** This farmer. */
  self: PeerId
  /** This peer's own addresses (libp2p's address manager): its endpoints are their IPv4 hosts. */
  addresses: () => Array<{ toString: () => string }>
  /** Opens relays to other members (the networkRelay service, made after the farmer). */
  relays: Pick<NetworkRelay, 'open'>
  /** Give each network a way out through NAT on this host (farmer.network.egress; egress.ts). */
  egress?: boolean
  /** The namespace that reaches the internet, where devices' sockets and egress links live; default the farmer's own. */
  hostNetns?: string
  tickMs?: number
  timings?: Partial<PathTimings>
  implementation?: WireguardImplementation
}

/** One network running on this farmer. */
interface Running {
  id: string
  stored: StoredNetwork
  keys: WireguardKeyPair
  workload: NetworkWorkload
  overlay: OverlayNamespace
  paths: NetworkOverlay
  /** Workload addresses attached, and to whom. */
  attached: Map<Ipv4, string>
  result?: Uint8Array<ArrayBuffer>
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/**
 * `network`: this farmer's part of its twins' private networks. A network here is named by
 * (twin, network_id), so another twin's workload never reaches it, and is shared by every
 * workload of that twin naming it (they must agree on range and subnet); it goes with the last
 * one. Its key and listen port are kept on disk; its namespace and WireGuard device outlive a
 * restart of the farmer (`close` leaves them), and applying again takes them over. Every
 * NETWORK_TICK_MS each network's paths are decided again and its result refreshed.
 */
export class NetworkDriver implements WorkloadDriver {
  readonly type: string
  readonly applyOrder: number
  private readonly home: NetworkHome
  private readonly running = new Map<string, Running>()
  /** Containers attached: owner → network id, address and the veth's name in the network's namespace. */
  private readonly owners = new Map<string, { id: string, address: Ipv4, veth: string }>()
  private queue: Promise<unknown> = Promise.resolve()
  private timer?: ReturnType<typeof setInterval>
  /** Connections from inside a network here (`networks.dial`), its forwarders' sockets beside the networks' directories. */
  private readonly dialer: NamespaceDialer

  constructor (private readonly options: NetworkDriverOptions) {
    this.type = options.kind.type
    this.applyOrder = options.kind.applyOrder
    this.home = new NetworkHome(options.root, options.ports)
    this.dialer = new NamespaceDialer(join(dirname(options.root), 'run', 'network-dials'))
  }

  /** One change at a time: applies, removals, attachments and ticks all touch the same namespaces. */
  private async serial<T> (work: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => {}).then(work)
    this.queue = next
    return await next
  }

  resources (workload: WorkloadSpec): Resources {
    this.options.kind.decode(workload)
    return emptyResources()
  }

  async apply (contractId: string, workload: WorkloadSpec, { twin }: ApplyContext): Promise<void> {
    const data = this.options.kind.decode(workload)
    const self = data.members.findIndex(member => member.peerId === this.options.self.toString())
    if (self >= 0) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `network "${workload.name}": members[${self}] is this farmer`)
    const ref = `${contractId}/${workload.name}`
    await this.serial(async () => {
      const id = networkHostId(this.options.self.toString(), twin, hex(data.networkId))
      // a new version may name another network: it leaves the one it ran
      const before = await this.networkOf(ref)
      if (before !== undefined && before !== id) await this.release(before, ref)
      let network = this.running.get(id)
      const stored = network?.stored ?? await this.home.read(id)
      if (stored !== undefined && (stored.twin !== twin || stored.networkId !== hex(data.networkId))) {
        throw new NetworkIdCollisionError(`network "${workload.name}": another network on this farmer has the same host id ${id}; use another network id`)
      }
      const others = (stored?.workloads ?? []).filter(w => w !== ref)
      if (stored !== undefined && (stored.range !== data.range.toString() || stored.subnet !== data.subnet.index)) {
        if (others.length > 0) {
          throw new Error(`network "${workload.name}": this network runs here with range ${stored.range} and subnet ${stored.subnet} for ${others.length} other workload(s); this one gives range ${data.range.toString()} and subnet ${data.subnet.index}`)
        }
        // its only workload moved it: made anew, with the same key and port
        if (network !== undefined) await this.takeDown(network)
        network = undefined
      }
      const next: StoredNetwork = {
        twin,
        networkId: hex(data.networkId),
        range: data.range.toString(),
        subnet: data.subnet.index,
        listenPort: stored?.listenPort ?? await this.home.freePort(id),
        ...(this.options.egress === true ? { egressLink: stored?.egressLink ?? await this.home.freeEgressLink(id, await egressLinksInUse(this.options.hostNetns)) } : {}),
        workloads: [...others, ref]
      }
      // egress turned off since it ran: its link goes
      if (this.options.egress !== true && stored?.egressLink !== undefined) await this.egressOf(id, stored)?.down()
      // on disk before anything is made: a removal after a crash still finds it
      await this.home.write(id, next)
      network ??= await this.start(id, next, data)
      network.stored = next
      // the last version applied lists the members (the twin updates every deployment of the network)
      network.workload = data
      await network.paths.setPeers(data.members.map(overlayPeer))
      await this.refresh(network)
    })
  }

  async remove (contractId: string, name: string): Promise<void> {
    const ref = `${contractId}/${name}`
    await this.serial(async () => {
      const id = await this.networkOf(ref)
      if (id !== undefined) await this.release(id, ref)
    })
  }

  /** What the status of workload `name` carries: this farmer's key, endpoints and paths as of the last tick. */
  result (contractId: string, name: string): Uint8Array<ArrayBuffer> | undefined {
    const ref = `${contractId}/${name}`
    return [...this.running.values()].find(network => network.stored.workloads.includes(ref))?.result
  }

  /** The farmer stops: paths are no longer decided, relays close; the namespaces and devices stay for the next start. */
  async close (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.dialer.close()
    await this.serial(async () => {
      for (const network of this.running.values()) await network.paths.close()
      this.running.clear()
      this.owners.clear()
    })
  }

  readonly networks: NetworkAttachments = {
    attach: async (contractId, network, address, owner) => await this.serial(async () => await this.attachTo(`${contractId}/${network}`, network, address, owner)),
    detach: async owner => { await this.serial(async () => { await this.detachFrom(owner) }) },
    dial: async (contractId, network, ip, port, signal) => {
      const running = [...this.running.values()].find(n => n.stored.workloads.includes(`${contractId}/${network}`))
      if (running === undefined) throw new Error(`network workload "${network}" of contract ${contractId} does not run here`)
      if (!NetworkRange.parse(running.stored.range).contains(parseIpv4(ip))) throw new Error(`${ip} is not in network "${network}" (${running.stored.range})`)
      return await this.dialer.dial(overlayNames(running.id).netns, ip, port, signal)
    }
  }

  /**
   * The relay's question: the WireGuard port of the network here with id `networkId` that lists
   * `peer` as a member with key `publicKey`; undefined when none does.
   */
  authorize (networkId: Uint8Array, peer: PeerId, publicKey: Uint8Array): { wireguardPort: number } | undefined {
    const network = this.memberOf(networkId, peer)
    const key = Buffer.from(publicKey).toString('base64')
    return network?.workload.members.some(member => member.peerId === peer.toString() && member.publicKey === key) === true
      ? { wireguardPort: network.stored.listenPort }
      : undefined
  }

  /** A member opened a relay to us (authorized just before): its network answers there. */
  inbound (networkId: Uint8Array, peer: PeerId, relay: DatagramRelay): void {
    const network = this.memberOf(networkId, peer)
    if (network === undefined) { void relay.close(); return }
    this.serial(async () => { await network.paths.inbound(peer, relay) }).catch(err => { log.error('relay from %p into network %s failed - %e', peer, network.id, err) })
  }

  /**
   * The network here with id `networkId` that lists `peer`; none when two twins' networks with
   * that id both list it (a relay names only the id, so it could not tell them apart).
   */
  private memberOf (networkId: Uint8Array, peer: PeerId): Running | undefined {
    const matches = [...this.running.values()].filter(network => network.stored.networkId === hex(networkId) &&
      network.workload.members.some(member => member.peerId === peer.toString()))
    return matches.length === 1 ? matches[0] : undefined
  }

  /** The host id of the network workload `ref` runs, in memory or on disk (a removal after a restart). */
  private async networkOf (ref: string): Promise<string | undefined> {
    for (const network of this.running.values()) if (network.stored.workloads.includes(ref)) return network.id
    for (const [id, stored] of await this.home.list()) if (stored.workloads.includes(ref)) return id
    return undefined
  }

  /** The egress link of network `id` as stored, if it has one. */
  private egressOf (id: string, stored: StoredNetwork): Egress | undefined {
    return stored.egressLink === undefined ? undefined : new Egress({ id, netns: overlayNames(id).netns, link: stored.egressLink, hostNetns: this.options.hostNetns })
  }

  private async start (id: string, stored: StoredNetwork, data: NetworkWorkload): Promise<Running> {
    const keys = await this.home.keys(id)
    const { egress, hostNetns, implementation } = this.options
    const overlay = await OverlayNamespace.create({ names: overlayNames(id), range: data.range, subnet: data.subnet, hostNetns, egress, implementation })
    await this.egressOf(id, stored)?.up()
    const paths = new NetworkOverlay({
      networkId: data.networkId, self: this.options.self, keys, listenPort: stored.listenPort, overlay, relays: this.options.relays, timings: this.options.timings
    })
    const network: Running = { id, stored, keys, workload: data, overlay, paths, attached: new Map() }
    this.running.set(id, network)
    this.timer ??= setInterval(() => { void this.tick() }, this.options.tickMs ?? NETWORK_TICK_MS)
    return network
  }

  /** `ref` no longer runs network `id`; the last one takes it off this farmer, key and all. */
  private async release (id: string, ref: string): Promise<void> {
    const network = this.running.get(id)
    const stored = network?.stored ?? await this.home.read(id)
    if (stored === undefined) return
    const workloads = stored.workloads.filter(w => w !== ref)
    if (workloads.length > 0) {
      const next = { ...stored, workloads }
      await this.home.write(id, next)
      if (network !== undefined) network.stored = next
      return
    }
    if (network !== undefined) {
      await this.takeDown(network)
    } else {
      // not run since the farmer started: what an earlier run left
      const names = overlayNames(id)
      await ip(['netns', 'del', names.netns]).catch(() => {})
      await ip(['link', 'del', names.device]).catch(() => {})
      await this.egressOf(id, stored)?.down()
    }
    await this.home.remove(id)
  }

  /** Stop deciding its paths and remove its namespace (its containers' veths go with it). */
  private async takeDown (network: Running): Promise<void> {
    this.running.delete(network.id)
    for (const [owner, attached] of this.owners) if (attached.id === network.id) this.owners.delete(owner)
    await network.paths.close()
    await network.overlay.destroy()
    await this.egressOf(network.id, network.stored)?.down()
    if (this.running.size === 0) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  private async attachTo (ref: string, name: string, address: string, owner: string): Promise<{ hook: OciHook }> {
    const network = [...this.running.values()].find(n => n.stored.workloads.includes(ref))
    if (network === undefined) throw new Error(`network "${name}" does not run on this farmer; its own state says why`)
    const ipv4 = parseIpv4(address)
    if (!network.workload.subnet.isWorkloadAddress(ipv4)) throw new Error(`ip "${address}" is not a workload address of ${network.workload.subnet.toString()}`)
    const holder = network.attached.get(ipv4)
    if (holder !== undefined && holder !== owner) throw new Error(`ip ${address} is taken by ${holder}`)
    await this.detachFrom(owner)
    const veth = `p2pv${createHash('sha256').update(owner).digest('hex').slice(0, 8)}`
    const script = network.overlay.attachScript(ipv4, veth)
    network.attached.set(ipv4, owner)
    this.owners.set(owner, { id: network.id, address: ipv4, veth })
    return { hook: { path: '/bin/sh', args: ['sh', '-c', script], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], timeout: 30 } }
  }

  private async detachFrom (owner: string): Promise<void> {
    const attached = this.owners.get(owner)
    if (attached === undefined) return
    this.owners.delete(owner)
    const network = this.running.get(attached.id)
    if (network === undefined) return
    network.attached.delete(attached.address)
    await ip(['link', 'del', attached.veth], network.overlay.netns).catch(() => {})
  }

  private async tick (): Promise<void> {
    await this.serial(async () => {
      for (const network of this.running.values()) {
        try {
          await network.paths.tick()
          await this.refresh(network)
        } catch (err) {
          log.error('deciding the paths of network %s failed - %e', network.id, err)
        }
      }
    })
  }

  private async refresh (network: Running): Promise<void> {
    const paths = await network.paths.paths()
    network.result = encodeNetworkResult({
      publicKey: network.keys.publicKey,
      endpoints: ownEndpoints(this.options.addresses(), network.stored.listenPort),
      paths: paths.map(p => ({ ...p, peerId: p.peerId.toString() }))
    })
  }
}

/** A member as the twin lists it, as NetworkOverlay takes it. */
export function overlayPeer (member: NetworkMember): { peerId: PeerId, publicKey: string, subnet: NetworkMember['subnet'], endpoints: string[] } {
  return { peerId: peerIdFromString(member.peerId), publicKey: member.publicKey, subnet: member.subnet, endpoints: member.endpoints }
}
