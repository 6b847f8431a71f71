import type { WorkloadSpec } from '@p2pcloud/farmer'
import { ErrorCodes, MAX_NETWORK_MEMBERS, NETWORK_ID_BYTES, ProtocolError, WIREGUARD_KEY_BYTES, deploymentMessages, peerIdFromBytes, peerIdToBytes } from '@p2pcloud/wire'
import { AddressPlanError, NetworkRange, type MemberSubnet } from './address-plan.js'
import { isEndpoint } from './wireguard-config.js'

/** Endpoints one member may list, and one farmer report. */
export const MAX_NETWORK_ENDPOINTS = 16

/** Another member of the network, as the twin lists it for each member. */
export interface NetworkMemberSpec {
  peerId: string
  /** Its WireGuard public key (base64, as `wg` writes it). */
  publicKey: string
  /** The third octet of its /24. */
  subnet: number
  /** `a.b.c.d:port`, best first. */
  endpoints: string[]
}

/**
 * A farmer's part of a private network, as the twin puts it into a deployment whose containers
 * use the network: never written in a spec file (the twin makes it from its network object).
 */
export interface NetworkWorkloadSpec {
  name: string
  type: 'network'
  /** 32 hex digits: the network's id, the same in every member's workload. */
  networkId: string
  /** The network's /16, e.g. 10.20.0.0/16. */
  range: string
  /** The third octet of this farmer's /24. */
  subnet: number
  members: NetworkMemberSpec[]
}

/** A member as the farmer uses it, checked. */
export interface NetworkMember {
  peerId: string
  publicKey: string
  subnet: MemberSubnet
  endpoints: string[]
}

/** What a network workload asks of the farmer, decoded and checked. */
export interface NetworkWorkload {
  networkId: Uint8Array<ArrayBuffer>
  range: NetworkRange
  subnet: MemberSubnet
  members: NetworkMember[]
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

/** A network workload's data, decoded and checked (protocols/deployment.md §5.1): BAD_REQUEST naming the field. */
export function decodeNetwork (workload: WorkloadSpec): NetworkWorkload {
  const bad = (detail: string): never => { throw new ProtocolError(ErrorCodes.BAD_REQUEST, `network "${workload.name}": ${detail}`) }
  let data: deploymentMessages.NetworkData
  try {
    data = deploymentMessages.NetworkData.decode(workload.data)
  } catch (err: any) {
    return bad(`data does not decode: ${err.message as string}`)
  }
  if (data.networkId.byteLength !== NETWORK_ID_BYTES) bad(`network_id must be ${NETWORK_ID_BYTES} bytes, not ${data.networkId.byteLength}`)
  let range: NetworkRange
  try {
    range = NetworkRange.parse(data.range)
  } catch (err: any) {
    if (!(err instanceof AddressPlanError)) throw err
    return bad(`range: ${err.message}`)
  }
  const subnetOf = (index: number, what: string): MemberSubnet => {
    if (!Number.isInteger(index) || index < 1 || index > 254) bad(`${what} ${index} is outside 1–254`)
    return range.subnet(index)
  }
  const subnet = subnetOf(data.subnet, 'subnet')
  if (data.members.length > MAX_NETWORK_MEMBERS) bad(`lists ${data.members.length} members; at most ${MAX_NETWORK_MEMBERS}`)
  const peers = new Set<string>()
  const subnets = new Set([data.subnet])
  const members = data.members.map((member, i) => {
    let peerId = ''
    try {
      peerId = peerIdFromBytes(member.peerId)
    } catch {
      bad(`members[${i}].peer_id is not a peer id`)
    }
    if (peers.has(peerId)) bad(`members[${i}]: ${peerId} is listed twice`)
    peers.add(peerId)
    if (member.publicKey.byteLength !== WIREGUARD_KEY_BYTES) bad(`members[${i}].public_key must be ${WIREGUARD_KEY_BYTES} bytes, not ${member.publicKey.byteLength}`)
    const memberSubnet = subnetOf(member.subnet, `members[${i}].subnet`)
    if (subnets.has(member.subnet)) bad(`members[${i}].subnet ${member.subnet} is taken by another member or this farmer`)
    subnets.add(member.subnet)
    if (member.endpoints.length > MAX_NETWORK_ENDPOINTS) bad(`members[${i}] lists ${member.endpoints.length} endpoints; at most ${MAX_NETWORK_ENDPOINTS}`)
    const endpoint = member.endpoints.find(e => !isEndpoint(e))
    if (endpoint !== undefined) bad(`members[${i}].endpoints: ${JSON.stringify(endpoint)} is not a.b.c.d:port`)
    return { peerId, publicKey: base64(member.publicKey), subnet: memberSubnet, endpoints: member.endpoints }
  })
  return { networkId: data.networkId, range, subnet, members }
}

/** How a farmer reaches one other member, as `NetworkResult.paths` carries it. */
export interface NetworkPathView {
  peerId: string
  path: 'connecting' | 'direct' | 'relayed'
  endpoint?: string
  latestHandshake?: number
}

/** What a network workload reports (deployment.md §5.5): what the other members need to reach this farmer, and how it reaches them. */
export interface NetworkResultView {
  /** Base64, as `wg` writes it. */
  publicKey: string
  endpoints: string[]
  paths: NetworkPathView[]
}

const PATH_ON_WIRE: Record<NetworkPathView['path'], deploymentMessages.NetworkPathKind> = {
  connecting: deploymentMessages.NetworkPathKind.CONNECTING,
  direct: deploymentMessages.NetworkPathKind.DIRECT,
  relayed: deploymentMessages.NetworkPathKind.RELAYED
}
const PATH_FROM_WIRE: Record<deploymentMessages.NetworkPathKind, NetworkPathView['path']> = {
  CONNECTING: 'connecting',
  DIRECT: 'direct',
  RELAYED: 'relayed'
}

export function encodeNetworkResult (result: NetworkResultView): Uint8Array<ArrayBuffer> {
  return deploymentMessages.NetworkResult.encode({
    publicKey: new Uint8Array(Buffer.from(result.publicKey, 'base64')),
    endpoints: result.endpoints,
    paths: result.paths.map(p => ({ peerId: peerIdToBytes(p.peerId), path: PATH_ON_WIRE[p.path], endpoint: p.endpoint ?? '', latestHandshakeMs: p.latestHandshake ?? 0 }))
  }) as Uint8Array<ArrayBuffer>
}

/** A farmer's NetworkResult, checked; throws on one that makes no sense (the twin then shows the workload's state alone). */
export function decodeNetworkResult (bytes: Uint8Array): NetworkResultView {
  const result = deploymentMessages.NetworkResult.decode(bytes)
  if (result.publicKey.byteLength !== WIREGUARD_KEY_BYTES) throw new Error(`the farmer's network key has ${result.publicKey.byteLength} bytes, not ${WIREGUARD_KEY_BYTES}`)
  const endpoints = result.endpoints.slice(0, MAX_NETWORK_ENDPOINTS).filter(isEndpoint)
  return {
    publicKey: base64(result.publicKey),
    endpoints,
    paths: result.paths.map(p => ({
      peerId: peerIdFromBytes(p.peerId),
      path: PATH_FROM_WIRE[p.path] ?? 'connecting',
      ...(p.endpoint !== '' ? { endpoint: p.endpoint } : {}),
      ...(p.latestHandshakeMs > 0 ? { latestHandshake: p.latestHandshakeMs } : {})
    }))
  }
}
