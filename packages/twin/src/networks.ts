import { randomBytes } from 'node:crypto'
import { Key, type Datastore } from 'interface-datastore'
import { NetworkExistsError, NetworkInUseError, NetworkNotFoundError, NetworkSpecError } from './errors.js'
import { NETWORK_NAME, checkRange, defaultRange, memberOf, networkWorkload, type NetworkMemberRecord, type PrivateNetwork } from './network-plan.js'
import { NetworkRange, formatIpv4, isWireguardKey, type NetworkMemberSpec } from '@p2pcloud/network'

const PREFIX = '/p2pcloud/twin/networks'

/** What `network join` gives the machine that joined: its /24 and the members to peer with. */
export interface NetworkJoin {
  network: string
  range: string
  subnet: number
  /** Its address: .1 of its /24. */
  address: string
  peers: NetworkMemberSpec[]
}

/**
 * The twin's private networks, kept in its datastore: each a /16 with a random id and its
 * members (one /24 each). Changes to one network run one at a time (`serialize`), in this process.
 */
export class NetworkStore {
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor (private readonly datastore: Datastore) {}

  private key (name: string): Key { return new Key(`${PREFIX}/${name}`) }

  async get (name: string): Promise<PrivateNetwork> {
    if (!NETWORK_NAME.test(name) || !(await this.datastore.has(this.key(name)))) throw new NetworkNotFoundError(`no network named "${name}"; create it with p2pcloud network create ${name}`)
    return JSON.parse(new TextDecoder().decode(await this.datastore.get(this.key(name))))
  }

  async list (): Promise<PrivateNetwork[]> {
    const networks: PrivateNetwork[] = []
    for await (const { value } of this.datastore.query({ prefix: `${PREFIX}/` })) networks.push(JSON.parse(new TextDecoder().decode(value)))
    return networks.sort((a, b) => a.name.localeCompare(b.name))
  }

  async put (network: PrivateNetwork): Promise<void> {
    await this.datastore.put(this.key(network.name), new TextEncoder().encode(JSON.stringify(network)))
  }

  /** A new network: no member yet; its range given (a private /16 none of the twin's others has) or a free 10.n.0.0/16. */
  async create (name: string, options: { range?: string } = {}): Promise<PrivateNetwork> {
    if (!NETWORK_NAME.test(name)) throw new NetworkSpecError(`"${name}" is not a network name; use 1 to 32 of a-z, 0-9, _ and -`)
    return this.serialize([name], async () => {
      if (await this.datastore.has(this.key(name))) throw new NetworkExistsError(`a network named "${name}" exists already; see p2pcloud network show ${name}`)
      const others = await this.list()
      const range = options.range != null ? checkRange(options.range, others) : defaultRange(others.map(n => n.range))
      const network: PrivateNetwork = { name, networkId: randomBytes(16).toString('hex'), range, createdAt: Date.now(), members: [] }
      await this.put(network)
      return network
    })
  }

  /**
   * Forget a network. Refused while deployments use it (named), unless `force`: then their
   * containers keep their part of it until each is removed or updated without it.
   */
  async remove (name: string, options: { force?: boolean } = {}): Promise<PrivateNetwork> {
    return this.serialize([name], async () => {
      const network = await this.get(name)
      const using = network.members.flatMap(m => m.deployments)
      if (using.length > 0 && options.force !== true) {
        throw new NetworkInUseError(`network "${name}" is used by deployment(s) ${using.join(', ')}; remove them first, or p2pcloud network rm --force ${name}`)
      }
      await this.datastore.delete(this.key(name))
      return network
    })
  }

  /**
   * This machine as a member of `network`: its /24 (kept when it joined before, else the lowest
   * free), not yet stored. A peer that is a farmer of the network cannot join it as a machine.
   */
  machineMember (network: PrivateNetwork, peerId: string): NetworkMemberRecord {
    const member = memberOf(network, peerId, 'machine')
    if (member.kind !== 'machine') throw new NetworkSpecError(`${peerId} is a member of network "${network.name}" as the farmer of deployment(s) ${member.deployments.join(', ')}: a peer that runs the network for its containers already reaches it`)
    return member
  }

  /**
   * Store `member` (from machineMember, with the WireGuard key its private key goes with and its
   * endpoints) and give it what it peers with: the farmers' keys and endpoints. The caller tells the farmers.
   */
  async join (network: PrivateNetwork, member: NetworkMemberRecord): Promise<{ network: PrivateNetwork, join: NetworkJoin }> {
    if (member.publicKey == null || !isWireguardKey(member.publicKey)) throw new NetworkSpecError(`publicKey ${JSON.stringify(member.publicKey)} is not a WireGuard public key (44 characters of base64)`)
    const next = withMember(network, member)
    await this.put(next)
    return { network: next, join: { network: next.name, range: next.range, subnet: member.subnet, address: formatIpv4(NetworkRange.parse(next.range).subnet(member.subnet).gateway), peers: networkWorkload(next, member).members } }
  }

  /** Run `work` once no other change to any of `names` runs (names in one order, so two callers never wait on each other). */
  async serialize<T> (names: Iterable<string>, work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(names)].sort()
    if (sorted.length === 0) return work()
    const [first, ...rest] = sorted
    const previous = this.queues.get(first) ?? Promise.resolve()
    const run = previous.catch(() => {}).then(async () => this.serialize(rest, work))
    const settled = run.catch(() => {})
    this.queues.set(first, settled)
    void settled.then(() => { if (this.queues.get(first) === settled) this.queues.delete(first) })
    return run
  }
}

/** `network` with `member` added, or put in place of the member with its peer id. */
export function withMember (network: PrivateNetwork, member: NetworkMemberRecord): PrivateNetwork {
  return { ...network, members: [...network.members.filter(m => m.peerId !== member.peerId), member].sort((a, b) => a.subnet - b.subnet) }
}

/** `network` without `peerId`'s membership (its /24 is free again). */
export function withoutMember (network: PrivateNetwork, peerId: string): PrivateNetwork {
  return { ...network, members: network.members.filter(m => m.peerId !== peerId) }
}
