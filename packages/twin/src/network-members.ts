/**
 * The twin's networks as its deployments use them: before a deploy or update, the spec gets one
 * `network` workload per network its containers (or its gateways' backends) name (the farmer's /24, the other members) and
 * each such container its address; once it settled, the farmer's WireGuard key and endpoints
 * (its network workload's result) make it a member the others are told of, by a new version of
 * each of their deployments where only the network workload changed.
 */
import { logger } from '@libp2p/logger'
import { NetworkRange, decodeNetworkResult, formatIpv4, isEndpoint, type MachineMembership, type MachineNetworks, type NetworkPathView, type NetworkWorkloadSpec, type PeerPath } from '@p2pcloud/network'
import type { DeploymentSpec, WorkloadSpec } from './spec.js'
import type { TwinDeploymentRecord } from './twin-store.js'
import { NetworkSpecError, NetworkUnavailableError } from './errors.js'
import { assignAddress, memberOf, networkWorkload, networkWorkloadName, type NetworkMemberRecord, type PrivateNetwork } from './network-plan.js'
import { attachContainer, containerNetworkKeys, gatewayOverlayNetwork, networkWorkloadsOf, pointGatewayAt, withNetworkWorkloads } from './network-fields.js'
import { withMember, withoutMember, type NetworkJoin, type NetworkStore } from './networks.js'

const log = logger('p2pcloud:twin:networks')

/** Attempts at pushing a new member list to one deployment, and the wait before the second (doubled each time). */
export const PUSH_ATTEMPTS = 3
export const PUSH_BACKOFF_MS = 1_000
/** Attempts at reading a settled network workload's result (a farmer may report it a moment after `ok`). */
const RESULT_ATTEMPTS = 10
const RESULT_WAIT_MS = 300

/** What the network bookkeeping asks of the twin (the Twin is one). */
export interface NetworkHost {
  /** One of the twin's deployments, as stored. */
  record: (name: string) => Promise<TwinDeploymentRecord | undefined>
  /** Send a new version of a deployment (only changed workloads are redone) and store it once it settled. */
  push: (record: TwinDeploymentRecord, spec: DeploymentSpec) => Promise<unknown>
  /** Each workload's result, by name, asked of the deployment's farmer now. */
  results: (record: TwinDeploymentRecord) => Promise<Map<string, Uint8Array>>
  /** This peer: the machine that joins. */
  self: string
  /** Runs this machine's part of the networks it joined live (a daemon's `machineNetworks`); absent in a peer without one. */
  machine?: Pick<MachineNetworks, 'missing' | 'keptKey' | 'isUp' | 'up' | 'down' | 'paths'>
}

/** What `join` gives: the machine's /24 and peers, and, joined live, what runs here. */
export type NetworkJoined = NetworkJoin & { notes: string[], live?: MachineMembership }

const pathView = (path: PeerPath): NetworkPathView => ({ ...path, peerId: path.peerId.toString() })

/** The networks the containers of `spec` name (as the user wrote them), each once. */
export function networksAsked (spec: DeploymentSpec): string[] {
  return [...new Set(spec.workloads.map(w => containerNetworkKeys(w)?.network ?? gatewayOverlayNetwork(w)).filter((n): n is string => n != null))]
}

/** Each network's `network` workload in a stored deployment, by network id. */
function networkIdsOf (record: TwinDeploymentRecord | undefined): Set<string> {
  return new Set(networkWorkloadsOf(record?.spec.workloads ?? []).map(w => w.networkId))
}

/** A member as `network show` gives it: its /24, and for a farmer how it reaches each other member, read from it now. */
export interface NetworkMemberView extends NetworkMemberRecord {
  /** Its /24, e.g. 10.20.3.0/24, and its own address in it (.1). */
  cidr: string
  address: string
  paths?: NetworkPathView[]
  /** Why its paths could not be read, naming the farmer. */
  error?: string
}

export interface NetworkView extends Omit<PrivateNetwork, 'members'> {
  members: NetworkMemberView[]
}

const sameSpec = (a: NetworkWorkloadSpec | undefined, b: NetworkWorkloadSpec): boolean => JSON.stringify(a) === JSON.stringify(b)

export class NetworkMembers {
  constructor (readonly store: NetworkStore, private readonly host: NetworkHost) {}

  /** The names of the networks a deploy or update of `spec` over `current` changes: serialize on them. */
  async touched (spec: DeploymentSpec | undefined, current: TwinDeploymentRecord | undefined): Promise<string[]> {
    const ids = networkIdsOf(current)
    const byId = (await this.store.list()).filter(n => ids.has(n.networkId)).map(n => n.name)
    return [...new Set([...(spec != null ? networksAsked(spec) : []), ...byId])]
  }

  /**
   * The spec as farmer `farmer` gets it: a `network` workload per network its containers name,
   * each such container pointed at it with an address of the farmer's /24 (its own, the one it
   * had in `current`, else the lowest free). Nothing is stored: the members change once it settled.
   */
  async prepare (spec: DeploymentSpec, farmer: string, current?: TwinDeploymentRecord): Promise<DeploymentSpec> {
    const asked = networksAsked(spec)
    if (asked.length === 0) return spec
    let workloads = spec.workloads
    const networks: NetworkWorkloadSpec[] = []
    for (const name of asked) {
      const network = await this.store.get(name)
      const workloadName = networkWorkloadName(name)
      if (workloads.some(w => w.name === workloadName)) throw new NetworkSpecError(`workload name "${workloadName}" is taken by the network of that name; rename the workload`)
      const member = memberOf(network, farmer, 'farmer')
      const taken = await this.addressesOn(network, member, spec.name)
      const joining = workloads.filter(w => containerNetworkKeys(w)?.network === name)
      const kept = (w: WorkloadSpec): string | undefined => {
        const before = current?.spec.workloads.find(p => p.name === w.name)
        const keys = before != null ? containerNetworkKeys(before) : undefined
        return keys?.network === workloadName ? keys.ip : undefined
      }
      // the addresses given first, then those kept (while still free), then the lowest free for the rest
      const ips = new Map<string, string>()
      const assign = (w: WorkloadSpec, ip: string | undefined): void => {
        const address = assignAddress(network.range, member.subnet, taken, ip, `deployment "${spec.name}", container "${w.name}" in network "${name}"`)
        ips.set(w.name, address)
        taken.push(address)
      }
      for (const w of joining) { const given = containerNetworkKeys(w)?.ip; if (given != null) assign(w, given) }
      for (const w of joining) { const ip = kept(w); if (!ips.has(w.name) && ip != null && !taken.includes(ip)) assign(w, ip) }
      for (const w of joining) if (!ips.has(w.name)) assign(w, undefined)
      workloads = workloads.map(w => ips.has(w.name)
        ? attachContainer(w, workloadName, ips.get(w.name) as string)
        : gatewayOverlayNetwork(w) === name ? pointGatewayAt(w, workloadName) : w)
      networks.push(networkWorkload(network, member))
    }
    return { ...spec, workloads: withNetworkWorkloads(workloads, networks) }
  }

  /** The addresses of the twin's containers on `member`'s farmer in `network`, but those of deployment `except`. */
  private async addressesOn (network: PrivateNetwork, member: NetworkMemberRecord, except: string): Promise<string[]> {
    const workloadName = networkWorkloadName(network.name)
    const taken: string[] = []
    for (const name of member.deployments.filter(d => d !== except)) {
      for (const w of (await this.host.record(name))?.spec.workloads ?? []) {
        const keys = containerNetworkKeys(w)
        if (keys?.network === workloadName && keys.ip != null) taken.push(keys.ip)
      }
    }
    return taken
  }

  /**
   * After deployment `now` settled (or `before` was removed, `now` undefined): its farmer joins or
   * stays in the networks it uses (its key and endpoints read from its network workloads'
   * results), leaves those it no longer uses, and every other member's deployments get the new
   * member list. Failures to tell a member are returned, naming its farmer; the next change retries.
   */
  async reconcile (now: TwinDeploymentRecord | undefined, before: TwinDeploymentRecord | undefined): Promise<string[]> {
    const record = now ?? before
    if (record == null) return []
    const using = networkIdsOf(now)
    const results = using.size > 0 && now != null ? await this.resultsOf(now) : new Map<string, Uint8Array>()
    const notes: string[] = []
    for (const network of await this.store.list()) {
      if (!using.has(network.networkId) && !networkIdsOf(before).has(network.networkId)) continue
      const next = using.has(network.networkId)
        ? this.joined(network, record, results.get(networkWorkloadName(network.name)), notes)
        : this.left(network, record)
      await this.store.put(next)
      notes.push(...await this.tellMembers(next, record.name))
    }
    return notes
  }

  private joined (network: PrivateNetwork, record: TwinDeploymentRecord, result: Uint8Array | undefined, notes: string[]): PrivateNetwork {
    const member = memberOf(network, record.farmer, 'farmer')
    const deployments = [...new Set([...member.deployments, record.name])].sort()
    let reported: Pick<NetworkMemberRecord, 'publicKey' | 'endpoints'> = { publicKey: member.publicKey, endpoints: member.endpoints }
    try {
      if (result == null) throw new Error('it reported no WireGuard key')
      const view = decodeNetworkResult(result)
      // a key another member has would make every peer list name two members with one key (WireGuard takes one)
      const holder = network.members.find(m => m.peerId !== record.farmer && m.publicKey === view.publicKey)
      if (holder != null) throw new Error(`it reported the WireGuard key of member ${holder.peerId}`)
      reported = { publicKey: view.publicKey, endpoints: view.endpoints }
    } catch (err: any) {
      notes.push(`network "${network.name}": farmer ${record.farmer}: ${err.message as string}; the other members are not told of it yet`)
    }
    return withMember(network, { ...member, ...reported, deployments })
  }

  private left (network: PrivateNetwork, record: TwinDeploymentRecord): PrivateNetwork {
    const member = network.members.find(m => m.peerId === record.farmer)
    if (member == null) return network
    const deployments = member.deployments.filter(d => d !== record.name)
    return deployments.length > 0 ? withMember(network, { ...member, deployments }) : withoutMember(network, record.farmer)
  }

  /** The results of `record`'s workloads, once its network workloads reported theirs (a bounded wait). */
  private async resultsOf (record: TwinDeploymentRecord): Promise<Map<string, Uint8Array>> {
    const wanted = networkWorkloadsOf(record.spec.workloads).map(w => w.name)
    let results = new Map<string, Uint8Array>()
    for (let attempt = 1; attempt <= RESULT_ATTEMPTS; attempt++) {
      try {
        results = await this.host.results(record)
        if (wanted.every(name => results.has(name))) break
      } catch (err) {
        log('farmer %s did not give the results of %s - %e', record.farmer, record.name, err)
      }
      await new Promise(resolve => setTimeout(resolve, RESULT_WAIT_MS))
    }
    return results
  }

  /** Every deployment in `network` but `changed` gets its member's current peer list, when it differs from what it runs. */
  private async tellMembers (network: PrivateNetwork, changed: string): Promise<string[]> {
    const notes: string[] = []
    const pushes = network.members.filter(m => m.kind === 'farmer').flatMap(member => member.deployments.filter(d => d !== changed).map(async name => {
      const record = await this.host.record(name)
      if (record == null) return
      const wanted = networkWorkload(network, member)
      const running = networkWorkloadsOf(record.spec.workloads).find(w => w.networkId === network.networkId)
      if (sameSpec(running, wanted)) return
      const spec = { ...record.spec, workloads: record.spec.workloads.map(w => w.name === wanted.name ? wanted as unknown as WorkloadSpec : w) }
      const failure = await this.pushWithRetries(record, spec)
      if (failure != null) notes.push(`network "${network.name}": farmer ${record.farmer} (deployment "${name}") was not told of the new members: ${failure}`)
    }))
    await Promise.all(pushes)
    // this machine, joined live, runs in this process: it gets the new list at once
    const self = network.members.find(m => m.peerId === this.host.self && m.kind === 'machine')
    if (self != null && this.host.machine?.isUp(network.networkId) === true) {
      await this.host.machine.up(networkWorkload(network, self)).catch((err: Error) => { notes.push(`network "${network.name}": this machine was not given the new members: ${err.message}`) })
    }
    return notes
  }

  private async pushWithRetries (record: TwinDeploymentRecord, spec: DeploymentSpec): Promise<string | undefined> {
    let reason = ''
    for (let attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
      try {
        await this.host.push((await this.host.record(record.name)) ?? record, spec)
        return undefined
      } catch (err: any) {
        reason = err.message
        log('pushing members to %s at %s, attempt %d - %e', record.name, record.farmer, attempt, err)
        if (attempt < PUSH_ATTEMPTS) await new Promise(resolve => setTimeout(resolve, PUSH_BACKOFF_MS * 2 ** (attempt - 1)))
      }
    }
    return reason
  }

  /** The network with each farmer's paths (from its network workload's result, asked of it now). */
  async show (name: string): Promise<NetworkView> {
    const network = await this.store.get(name)
    const range = NetworkRange.parse(network.range)
    const members = await Promise.all(network.members.map(async (member): Promise<NetworkMemberView> => {
      const subnet = range.subnet(member.subnet)
      const view: NetworkMemberView = { ...member, cidr: subnet.toString(), address: formatIpv4(subnet.gateway) }
      const deployment = member.deployments[0]
      if (member.kind === 'machine' && member.peerId === this.host.self) {
        const paths = await this.host.machine?.paths(network.networkId)
        return paths != null ? { ...view, paths: paths.map(pathView) } : view
      }
      if (member.kind !== 'farmer' || deployment == null) return view
      try {
        const record = await this.host.record(deployment)
        if (record == null) throw new Error(`deployment "${deployment}" is gone`)
        const result = (await this.host.results(record)).get(networkWorkloadName(name))
        if (result == null) throw new Error('its network workload reports nothing yet')
        // the farmer's words, shown to people: an endpoint is kept only when it is one
        const paths = decodeNetworkResult(result).paths.map(({ endpoint, ...path }) => endpoint != null && isEndpoint(endpoint) ? { ...path, endpoint } : path)
        return { ...view, paths }
      } catch (err: any) {
        return { ...view, error: `farmer ${member.peerId}: ${err.message as string}` }
      }
    }))
    return { ...network, members }
  }

  /**
   * This machine joins network `name`: with WireGuard key `publicKey` made elsewhere (a wg-quick
   * file), or without one live, its member run here by the daemon (MachineNetworks). It gets a
   * /24 (kept when it joined before) and the farmers' keys and endpoints; every farmer's
   * deployments are told of it.
   */
  async join (name: string, publicKey?: string): Promise<NetworkJoined> {
    const machine = publicKey == null ? await this.liveMachine() : undefined
    return this.store.serialize([name], async () => {
      const network = await this.store.get(name)
      const member = this.store.machineMember(network, this.host.self)
      if (machine == null) {
        // another key is the member now: a member this daemon ran is not
        await this.host.machine?.down(network.networkId)
        return await this.joinWith(network, { ...member, publicKey, endpoints: [] })
      }
      const running = await machine.up(networkWorkload(network, member))
      try {
        return { ...await this.joinWith(network, { ...member, publicKey: running.publicKey, endpoints: running.endpoints }), live: running }
      } catch (err) {
        if (member.publicKey !== running.publicKey) await machine.down(network.networkId)
        throw err
      }
    })
  }

  private async joinWith (network: PrivateNetwork, member: NetworkMemberRecord): Promise<NetworkJoined> {
    const { network: next, join } = await this.store.join(network, member)
    return { ...join, notes: await this.tellMembers(next, '') }
  }

  /** The daemon's member runner, when this machine can run one; else why not. */
  private async liveMachine (): Promise<NonNullable<NetworkHost['machine']>> {
    const machine = this.host.machine
    if (machine == null) throw new NetworkUnavailableError('this peer runs no machineNetworks service (@p2pcloud/network); join with --wg-config FILE')
    const missing = await machine.missing()
    if (missing != null) throw new NetworkUnavailableError(`this machine cannot join live: ${missing}`)
    return machine
  }

  /** This machine leaves network `name`: its /24 is free again, no farmer lists its key any more, and a member run here goes. */
  async leave (name: string): Promise<{ left: string, notes: string[] }> {
    return this.store.serialize([name], async () => {
      const network = await this.store.get(name)
      const member = network.members.find(m => m.peerId === this.host.self && m.kind === 'machine')
      if (member == null) throw new NetworkSpecError(`this machine is not a member of network "${name}"; see p2pcloud network show ${name}`)
      const next = withoutMember(network, this.host.self)
      await this.store.put(next)
      const notes = await this.tellMembers(next, '')
      await this.host.machine?.down(network.networkId).catch((err: Error) => { notes.push(`network "${name}": this machine's WireGuard device could not be removed: ${err.message}`) })
      return { left: name, notes }
    })
  }

  /** Forget network `name` (NetworkStore.remove); a member this machine runs of it goes too. */
  async remove (name: string, options: { force?: boolean } = {}): Promise<PrivateNetwork> {
    const network = await this.store.remove(name, options)
    await this.host.machine?.down(network.networkId).catch(err => { log.error('network %s: removing this machine\'s member failed - %e', name, err) })
    return network
  }

  /**
   * At start: every network this machine joined live (its key kept, the one the network lists)
   * runs again; the farmers are told when its endpoints changed.
   */
  async restore (): Promise<void> {
    const machine = this.host.machine
    if (machine == null) return
    for (const { name } of await this.store.list()) {
      await this.store.serialize([name], async () => {
        const network = await this.store.get(name)
        const member = network.members.find(m => m.peerId === this.host.self && m.kind === 'machine')
        if (member?.publicKey == null || await machine.keptKey(network.networkId) !== member.publicKey) return
        const running = await machine.up(networkWorkload(network, member))
        if (JSON.stringify(running.endpoints) === JSON.stringify(member.endpoints)) return
        for (const note of (await this.joinWith(network, { ...member, endpoints: running.endpoints })).notes) log.error(note)
      }).catch(err => { log.error('network %s: this machine could not join again - %e', name, err) })
    }
  }
}
