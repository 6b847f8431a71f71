/**
 * The twin's address plan of its private networks, as pure functions of a network's record: which
 * /16 a new network takes, which /24 a member gets, which address a container gets, and the
 * `network` workload each member farmer runs (its peer list: every other member whose key is known).
 */
import { randomInt } from 'node:crypto'
import { NetworkRange, formatIpv4, parseIpv4, type NetworkMemberSpec, type NetworkWorkloadSpec } from '@p2pcloud/network'
import { NetworkFullError, NetworkSpecError } from './errors.js'

/** A member of a network: a farmer running some of the twin's containers in it, or a machine that joined. */
export interface NetworkMemberRecord {
  peerId: string
  /** `farmer`: runs the network's workload in `deployments`; `machine`: joined with `p2pcloud network join`. */
  kind: 'farmer' | 'machine'
  /** The third octet of its /24. */
  subnet: number
  /** Its WireGuard public key (base64), once the farmer reported it (its network workload's result). */
  publicKey?: string
  /** `a.b.c.d:port`, best first, as the member reported them. */
  endpoints: string[]
  /** The twin's deployments on this farmer that hold the network's workload (none for a machine). */
  deployments: string[]
}

/** One of the twin's private networks, as it keeps it. */
export interface PrivateNetwork {
  name: string
  /** 32 hex digits, random: the same in every member's workload. */
  networkId: string
  /** Its /16, e.g. 10.20.0.0/16. */
  range: string
  createdAt: number
  members: NetworkMemberRecord[]
}

/**
 * A network's name: a workload name short enough that `net-<name>`, the name of the workload the
 * twin puts into each deployment using it, is one too.
 */
export const NETWORK_NAME = /^[a-z0-9_-]{1,32}$/

/** The name of the `network` workload the twin puts into a deployment whose containers use network `name`. */
export function networkWorkloadName (name: string): string {
  return `net-${name}`
}

/** A /16 of 10.0.0.0/8 that no range in `taken` is (all are /16s: overlapping is being equal), picked at random. */
export function defaultRange (taken: readonly string[], pick: (count: number) => number = randomInt): string {
  const used = new Set(taken)
  const free = Array.from({ length: 256 }, (_, n) => `10.${n}.0.0/16`).filter(range => !used.has(range))
  if (free.length === 0) throw new NetworkSpecError('every /16 of 10.0.0.0/8 is taken by another network of this twin; give one with --range')
  return free[pick(free.length)]
}

/** A range given by the user, checked (a private /16) and not one of the twin's other networks'. */
export function checkRange (text: string, others: readonly PrivateNetwork[]): string {
  let range: string
  try {
    range = NetworkRange.parse(text).toString()
  } catch (err: any) {
    throw new NetworkSpecError(`--range: ${err.message as string}`)
  }
  const clash = others.find(network => network.range === range)
  if (clash != null) throw new NetworkSpecError(`--range ${range} is the range of network "${clash.name}" already; networks of one twin do not overlap`)
  return range
}

/** The member `peerId` of `network`, or a new one with the lowest free /24 (not stored until the caller stores the network). */
export function memberOf (network: PrivateNetwork, peerId: string, kind: NetworkMemberRecord['kind']): NetworkMemberRecord {
  const existing = network.members.find(m => m.peerId === peerId)
  if (existing != null) return existing
  const taken = new Set(network.members.map(m => m.subnet))
  let subnet = 1
  while (taken.has(subnet)) subnet++
  if (subnet > 254) throw new NetworkFullError(`network "${network.name}" has no /24 left for ${peerId}`)
  return { peerId, kind, subnet, endpoints: [], deployments: [] }
}

/**
 * A container's address in member `subnet` of `range`: `given` when it is a workload address of
 * that /24 and not in `taken`, else the lowest free one from .2 to .254.
 */
export function assignAddress (range: string, subnet: number, taken: readonly string[], given: string | undefined, what: string): string {
  const memberSubnet = NetworkRange.parse(range).subnet(subnet)
  const used = taken.map(parseIpv4)
  if (given != null) {
    let address: number
    try {
      address = parseIpv4(given)
    } catch (err: any) {
      throw new NetworkSpecError(`${what}: ip: ${err.message as string}`)
    }
    if (!memberSubnet.isWorkloadAddress(address)) throw new NetworkSpecError(`${what}: ip ${given} is not in this farmer's ${memberSubnet.toString()} (from .2 to .254)`)
    if (used.includes(address)) throw new NetworkSpecError(`${what}: ip ${given} is taken by another container of this twin on this farmer`)
    return given
  }
  const free = memberSubnet.freeAddress(used)
  if (free === undefined) throw new NetworkFullError(`${what}: no address left in this farmer's ${memberSubnet.toString()}`)
  return formatIpv4(free)
}

/** What member `peerId` is told of the others: each one whose WireGuard key is known. */
export function peersOf (network: PrivateNetwork, peerId: string): NetworkMemberSpec[] {
  return network.members
    .filter(m => m.peerId !== peerId && m.publicKey != null)
    .map(m => ({ peerId: m.peerId, publicKey: m.publicKey as string, subnet: m.subnet, endpoints: m.endpoints }))
}

/** The `network` workload member `member` runs in each of its deployments. */
export function networkWorkload (network: PrivateNetwork, member: NetworkMemberRecord): NetworkWorkloadSpec {
  return {
    name: networkWorkloadName(network.name),
    type: 'network',
    networkId: network.networkId,
    range: network.range,
    subnet: member.subnet,
    members: peersOf(network, member.peerId)
  }
}
