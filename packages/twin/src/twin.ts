import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2pEvents, PeerId, PrivateKey, TypedEventTarget } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { emptyResources, type CapacityMarket, type DirectoryEntry, type FindFilter, type Resources } from '@p2pcloud/capacity'
import { contractIdOf, openReceipt, signProposal, type Contracts, type TwinContract, type UsageReceipt } from '@p2pcloud/contracts'
import { DeploymentClient, type DeploymentStatusView } from '@p2pcloud/farmer'
import { ExecClient, LogsClient, type ExecSession, type LogChunk, type WindowSize } from '@p2pcloud/runtime'
import { DeploymentErrorCodes, type StreamOpener } from '@p2pcloud/wire'
import { workloadKinds } from '@p2pcloud/workloads'
import { ZdbClient, zdbKind } from '@p2pcloud/zdb'
import { SpecError, specResources, type DeploymentSpec } from './spec.js'
import { ContractNotFoundError, DeployFailedError, DeploymentExistsError, DeploymentNotFoundError, FarmerNotAnsweringError, NoCapacityError, NoMatchingFarmerError, PoolMemberError } from './errors.js'
import { sameWorkload } from './workload-data.js'
import { withoutGatewayOverlays } from './network-fields.js'
import { gatewayViews, grantGatewayBackends, hasGatewayBackends, resolveGatewayBackends, type GatewayView } from './gateway-backends.js'
import { TwinStore, type PendingReservation, type TwinDeploymentRecord } from './twin-store.js'
import { StoragePools } from './storage-pools.js'
import { MAX_FAILED_CANDIDATES, PROBE_TIMEOUT_MS, UnreliableFarmers, isLetDown, isNoAnswer, place } from './placement.js'
import { farmerFilter, neededCapabilities, noMatchMessage } from './farmer-filter.js'
import { settle } from './settle.js'
import { cannotGrow, checkRenewal } from './contract-rules.js'
import { SilentFarmers } from './silent-farmers.js'
import { shortWords } from './resource-words.js'
import { PendingDeployments, dropAfterOf, releaseContract, reservationOf } from './pending-deployments.js'
import type { MachineNetworks } from '@p2pcloud/network'
import { NetworkStore } from './networks.js'
import { NetworkMembers, networksAsked, type NetworkJoined } from './network-members.js'
import { pickWorkload, type WorkloadSort } from './workload-target.js'

/** How many known farmers (cheapest first) a "no farmer matches" looks through for those that came closest. */
const MAX_KNOWN_EXPLAINED = 200

const log = logger('p2pcloud:twin')

export interface TwinComponents {
  privateKey: PrivateKey
  peerId: PeerId
  datastore: Datastore
  capacity: CapacityMarket
  contracts: Contracts
  /** Optional: without it, pending deployments are retried on the timer only. */
  events?: TypedEventTarget<Libp2pEvents>
  /** Runs this machine's member of networks it joins live (`network join` without a file); every daemon has one. */
  machineNetworks?: MachineNetworks
  connectionManager: { openStream: StreamOpener['dialProtocol'], openConnection(peer: any, options?: any): Promise<unknown>, closeConnections(peer: PeerId, options?: any): Promise<void> }
}

/** A deployment's farmer did not answer: since when (ISO 8601), why, and when its last advert was issued, if this peer holds one. */
export interface Unreachable {
  since: string
  reason: string
  lastAdvert?: string
}

export interface TwinDeploymentView extends TwinDeploymentRecord {
  status?: DeploymentStatusView
  contract?: { state: string, leaseEnd: string }
  /** Set, instead of `status` and `contract`, when the farmer did not answer: the view is what this twin knows. */
  unreachable?: Unreachable
  /** What went wrong around it without failing it (a network member that could not be told of a change), naming the farmer. */
  notes?: string[]
  /** Its gateway names: their URLs and whether their backends answer (from `status`). */
  gateways?: GatewayView[]
}

/** What `delete` did: the contract is cancelled at its farmer, or (forced) only forgotten here, `note` saying why. */
export interface TwinDeletion {
  deleted: string
  contractId: string
  farmer: string
  cancelled: boolean
  note?: string
  /** Network members that could not be told the deployment left (see TwinDeploymentView.notes). */
  notes?: string[]
}

export interface TwinOptions {
  /** Longest a deploy waits for every workload to leave `init` (default 60 s). */
  settleTimeoutMs?: number
  /** How many farmers a placement (deploy, pool) lets fail before it gives up (default 8). */
  maxFailedFarmers?: number
  /** How long a probe of one candidate (dial, live capacity) may take (default 10 s). */
  probeTimeoutMs?: number
  /** How often deployments left pending are retried (default 30 s; also at start and when their farmer connects). */
  pendingRetryMs?: number
  /** How often the storage pools' leases are looked at, to renew each namespace at half its lease (default 60 s). */
  poolRenewCheckMs?: number
}

const CONTAINERS: WorkloadSort = { one: 'container', many: 'containers', has: type => workloadKinds.get(type)?.hasLogs === true }
const NAMESPACES: WorkloadSort = { one: 'zdb namespace', many: 'zdb namespaces', has: type => type === zdbKind.type }

/**
 * The 3Bot SDK: deploy a spec (find → live capacity check → quote → propose
 * → deploy → wait until every workload is `ok`, or fail with the farmer's
 * message and cancel the contract), list, get, delete and renew.
 */
export class Twin {
  private readonly store: TwinStore
  private readonly deployments: DeploymentClient
  private readonly logsClient: LogsClient
  private readonly execClient: ExecClient
  private readonly node: StreamOpener
  /** Storage pools of zdb namespaces and the encrypted, erasure-coded objects in them. */
  readonly pools: StoragePools
  /** Farmers that recently let a placement down (no answer, or a refusal for capacity after claiming room): placements try them last. */
  readonly unreliable = new UnreliableFarmers()
  /** Farmers of its deployments that stopped answering, and since when. */
  private readonly silent = new SilentFarmers()
  private readonly pending: PendingDeployments
  /** The twin's private networks and their members (the farmers of its deployments using them). */
  readonly networks: NetworkMembers
  /** Names of the deploys running in this process. */
  private readonly deploying = new Set<string>()

  constructor (private readonly components: TwinComponents, private readonly options: TwinOptions = {}) {
    this.store = new TwinStore(components.datastore)
    const node: StreamOpener = { dialProtocol: async (peer, protocols, opts) => components.connectionManager.openStream(peer, protocols, opts) }
    this.node = node
    this.deployments = new DeploymentClient(node, components.privateKey)
    this.logsClient = new LogsClient(node)
    this.execClient = new ExecClient(node)
    this.pools = new StoragePools(components, this, node)
    this.networks = new NetworkMembers(new NetworkStore(components.datastore), {
      record: async name => this.store.get(name),
      push: async (record, spec) => this.sendUpdate(record, spec),
      results: async record => {
        const farmer = peerIdFromString(record.farmer)
        await this.reach(farmer)
        const status = await this.deployments.get(farmer, record.contractId, AbortSignal.timeout(this.placement.probeTimeoutMs))
        return new Map(status.workloads.flatMap(w => w.result !== undefined ? [[w.name, w.result] as const] : []))
      },
      self: components.peerId.toString(),
      machine: components.machineNetworks
    })
    this.pending = new PendingDeployments({
      store: this.store,
      contracts: components.contracts.client,
      deployments: this.deployments,
      reach: async farmer => { await this.reach(farmer) },
      events: components.events,
      retryMs: options.pendingRetryMs
    })
  }

  async start (): Promise<void> {
    await this.pending.start()
    this.pools.start(this.options.poolRenewCheckMs)
  }

  /** Once every service runs (the machine's networks' relay among them): the networks this machine joined live run again. */
  async afterStart (): Promise<void> {
    await this.networks.restore()
  }

  async stop (): Promise<void> {
    this.pending.stop()
    await this.pools.stop()
  }

  /** Resolve every reservation left pending now (cancelled at a farmer that answers); those still pending. */
  async resolvePending (): Promise<PendingReservation[]> {
    return this.pending.resolveAll()
  }

  /** Contracts proposed whose farmer did not confirm them nor answer their cancel (cancelled once it answers). */
  async pendingReservations (): Promise<PendingReservation[]> {
    return this.store.listPending()
  }

  /** Dial a farmer by the addresses of its advert when we hold no connection to it. */
  async reach (farmer: PeerId, signal = AbortSignal.timeout(10_000)): Promise<void> {
    const advert = this.components.capacity.directory.get(farmer.toString())
    if (advert == null || advert.advert.addresses.length === 0) return
    await this.components.connectionManager.openConnection(advert.advert.addresses.map(a => multiaddr(`${a}/p2p/${farmer.toString()}`)), { signal })
      .catch(err => { log('could not dial %p by its advert - %e', farmer, err) })
  }

  /** Can `farmer` take `need`? Dialled, and asked for its live free capacity (its own word, not a possibly stale advert). */
  async probe (farmer: PeerId, need: Partial<Resources>, signal: AbortSignal): Promise<void> {
    await this.reach(farmer, signal)
    const live = await this.components.capacity.fetchAdvert(farmer, { signal }).catch(async err => {
      if (!isNoAnswer(err) || signal.aborted) throw err
      // a connection that died under us can linger as "open" (its muxer closed): hang up and dial its advert afresh, once
      await this.components.connectionManager.closeConnections(farmer, { signal }).catch(() => {})
      await this.reach(farmer, signal)
      return this.components.capacity.fetchAdvert(farmer, { signal })
    })
    const missing = shortWords(live.advert.free, { ...emptyResources(), ...need })
    if (missing.length > 0) throw new NoCapacityError(`${farmer.toString()} has too little free: ${missing.join(', ')}`)
  }

  /** Placement options shared by deploys and pools: the failure budget, the probe's timeout, who recently let a placement down. */
  get placement (): { unreliable: UnreliableFarmers, maxFailed: number, probeTimeoutMs: number } {
    return { unreliable: this.unreliable, maxFailed: this.options.maxFailedFarmers ?? MAX_FAILED_CANDIDATES, probeTimeoutMs: this.options.probeTimeoutMs ?? PROBE_TIMEOUT_MS }
  }

  /** Matching farmers, cheapest first: enough that the failure budget can be spent on others than those that recently let a placement down. */
  private async candidates (spec: DeploymentSpec, need: Resources): Promise<string[]> {
    const { maxFailed } = this.placement
    const needs = neededCapabilities(spec)
    return (await this.matchingFarmers(farmerFilter(spec, need), maxFailed, maxFailed))
      .filter(entry => needs.every(capability => entry.advert.capabilities.includes(capability)))
      .map(entry => entry.advert.peerId)
  }

  /**
   * Farmers matching `filter`: `find` looks for `needed` (asking the DHT when the directory holds
   * too few), then the directory gives `spares` more, and as many again as farmers that recently
   * let a placement down (placement tries those last).
   */
  async matchingFarmers (filter: FindFilter, needed: number, spares: number): Promise<DirectoryEntry[]> {
    await this.components.capacity.find({ ...filter, limit: needed })
    return this.components.capacity.directory.query({ ...filter, limit: spares + this.unreliable.size })
  }

  /**
   * Deploy on the farmer the spec pins (its own error when it fails), else on the cheapest matching
   * farmer that answers and takes it: one that does not answer, has no room, or leaves its
   * reservation pending is passed over.
   */
  async deploy (spec: DeploymentSpec): Promise<TwinDeploymentView> {
    // the name is stored only once the deploy settled: until then this holds it against a second deploy
    if (this.deploying.has(spec.name)) throw new DeploymentExistsError(`a deployment named "${spec.name}" is being deployed`)
    this.deploying.add(spec.name)
    try {
      // its gateways' backends first: one on a network may bring the network in
      const resolved = await this.resolveBackends(spec)
      // a network's /24s and addresses are handed out one deploy at a time
      return await this.networks.store.serialize(networksAsked(resolved), async () => {
        const deployed = await this.deployNew(resolved)
        return { ...deployed, notes: await this.networks.reconcile(deployed, undefined) }
      })
    } finally {
      this.deploying.delete(spec.name)
    }
  }

  /** The spec's gateway backends made into what the gateway is sent (resolveGatewayBackends). */
  private async resolveBackends (spec: DeploymentSpec): Promise<DeploymentSpec> {
    return await resolveGatewayBackends(spec, {
      deployment: async name => await this.store.get(name),
      deployments: async () => await this.store.list(),
      networkName: async networkId => (await this.networks.store.list()).find(n => n.networkId === networkId)?.name
    })
  }

  private async deployNew (spec: DeploymentSpec): Promise<TwinDeploymentView> {
    const existing = await this.store.get(spec.name)
    if (existing != null) throw new DeploymentExistsError(`a deployment named "${spec.name}" exists already; remove it first (p2pcloud rm ${spec.name})`)
    const need = specResources(spec)
    if (spec.where.farmer != null) {
      const farmer = peerIdFromString(spec.where.farmer)
      await this.probe(farmer, need, AbortSignal.timeout(this.placement.probeTimeoutMs))
      return this.deployOn(farmer, spec, need)
    }
    const farmers = await this.candidates(spec, need)
    if (farmers.length === 0) throw new NoMatchingFarmerError(noMatchMessage(spec, need, this.components.capacity.directory.query({ limit: MAX_KNOWN_EXPLAINED })))
    const [deployed] = await place(farmers, {
      ...this.placement,
      what: `no farmer took deployment "${spec.name}"`,
      probe: async (farmer, signal) => { await this.probe(peerIdFromString(farmer), need, signal) },
      use: async farmer => this.deployOn(peerIdFromString(farmer), spec, need),
      tryNextAfter: isLetDown
    })
    return deployed
  }

  /**
   * Quote, propose, deploy, settle on one farmer. A pending reservation is kept before the
   * proposal leaves: a farmer (or this twin) that dies before it is confirmed leaves a contract id
   * to resolve, never a contract nobody knows of. The deployment is stored once it settled.
   */
  private async deployOn (farmer: PeerId, asked: DeploymentSpec, need: Resources): Promise<TwinDeploymentView> {
    const prepared = await this.networks.prepare(this.overlaysFor(farmer, asked), farmer.toString())
    const { quote, envelope } = await this.components.contracts.client.quote(farmer, need, prepared.leaseMs)
    // the lease ends by then at the latest: the farmer books a proposal before the quote's validUntil
    const spec = grantGatewayBackends(prepared, quote.validUntil + quote.leaseMs)
    const proposal = await signProposal(envelope, this.components.peerId.toString(), Date.now(), this.components.privateKey)
    const workloadVersions = Object.fromEntries(spec.workloads.map(w => [w.name, 1]))
    const record: TwinDeploymentRecord = { name: spec.name, farmer: farmer.toString(), contractId: contractIdOf(proposal), spec, version: 1, workloadVersions, createdAt: Date.now(), state: 'deployed' }
    const reservation = { contractId: record.contractId, farmer: record.farmer, name: spec.name, createdAt: record.createdAt, dropAfter: dropAfterOf(quote.validUntil, quote.leaseMs) }
    return this.pending.whileDeploying(reservation, async () => {
      const contract = await this.components.contracts.client.sendProposal(farmer, proposal)
      const status = await this.send(farmer, record)
      await this.store.put(record)
      const gateways = gatewayViews(status)
      return { ...record, status, contract: contractSummary(contract), ...(gateways.length > 0 ? { gateways } : {}) }
    })
  }

  /** Sign and send the record's version of its spec, wait until it settles; an ERROR is thrown in the farmer's words. */
  private async send (farmer: PeerId, record: TwinDeploymentRecord): Promise<DeploymentStatusView> {
    await this.deployments.deploy(farmer, {
      contractId: record.contractId,
      twin: this.components.peerId.toString(),
      name: record.name,
      version: record.version,
      signedAt: Date.now(),
      workloads: workloadKinds.inApplyOrder(record.spec.workloads).map(w => ({ name: w.name, type: w.type, version: record.workloadVersions[w.name], data: workloadKinds.encode(w) }))
    })
    const status = await settle(this.deployments, farmer, record.contractId, this.options.settleTimeoutMs ?? 60_000)
    const failed = status.workloads.filter(w => w.state === 'error')
    if (failed.length > 0) {
      throw new DeployFailedError(`farmer ${farmer.toString()}: ${failed.map(w => `workload "${w.name}": ${w.message}`).join('; ')}`)
    }
    return status
  }

  /**
   * Change a deployment to `spec` (same name, same contract): the deployment
   * version goes up by one and only workloads that changed carry it.
   */
  async update (asked: DeploymentSpec): Promise<TwinDeploymentView> {
    const before = await this.record(asked.name)
    const backends = this.overlaysFor(peerIdFromString(before.farmer), await this.resolveBackends(asked))
    const touched = await this.networks.touched(backends, before)
    return this.networks.store.serialize(touched, async () => {
      const current = await this.record(asked.name)
      const resolved = await this.granted(backends, current)
      const updated = await this.sendUpdate(current, await this.networks.prepare(resolved, current.farmer, current)).catch(async (err: any) => {
        if (err?.code !== DeploymentErrorCodes.DOES_NOT_FIT) throw err
        const contract = await this.components.contracts.client.get(peerIdFromString(current.farmer), current.contractId)
        throw cannotGrow(asked.name, contract.proposal.quote.resources, specResources(asked))
      })
      return { ...updated, notes: await this.networks.reconcile(updated, current) }
    })
  }

  /** The spec with its gateways' backends reached over their networks when `farmer` offers `network` (it joins them), else through the mesh. */
  private overlaysFor (farmer: PeerId, spec: DeploymentSpec): DeploymentSpec {
    const offers = this.components.capacity.directory.get(farmer.toString())?.advert.capabilities.includes('network') === true
    return offers ? spec : { ...spec, workloads: withoutGatewayOverlays(spec.workloads) }
  }

  /** `spec`'s gateway backends granted until the lease end of `current`'s contract, as its farmer says now. */
  private async granted (spec: DeploymentSpec, current: TwinDeploymentRecord): Promise<DeploymentSpec> {
    if (!hasGatewayBackends(spec)) return spec
    const farmer = peerIdFromString(current.farmer)
    await this.reach(farmer)
    const contract = await this.components.contracts.client.get(farmer, current.contractId)
    return grantGatewayBackends(spec, contract.acceptance.leaseEnd)
  }

  /** Send `spec` as the next version of `current`, stored once it settled (or once the farmer took it, a workload failing). */
  private async sendUpdate (current: TwinDeploymentRecord, spec: DeploymentSpec): Promise<TwinDeploymentView> {
    const version = current.version + 1
    const workloadVersions = Object.fromEntries(spec.workloads.map(w => {
      const same = sameWorkload(current.spec.workloads.find(p => p.name === w.name), w)
      return [w.name, same ? current.workloadVersions[w.name] : version]
    }))
    const next: TwinDeploymentRecord = { ...current, spec, version, workloadVersions }
    const farmer = peerIdFromString(current.farmer)
    await this.reach(farmer)
    try {
      const status = await this.send(farmer, next)
      await this.store.put(next)
      return { ...next, status }
    } catch (err: any) {
      // the farmer took the new version even if a workload failed: remember it, so the next update follows on
      if (err.name === 'DeployFailed') await this.store.put(next)
      throw err
    }
  }

  /**
   * This machine joins network `name`: with WireGuard key `publicKey` (made where its private key
   * stays, e.g. a wg-quick file), or without, live (the daemon runs its WireGuard); the farmers are told.
   */
  async joinNetwork (name: string, publicKey?: string): Promise<NetworkJoined> {
    return this.networks.join(name, publicKey)
  }

  /** This machine leaves network `name`; the farmers are told. */
  async leaveNetwork (name: string): Promise<{ left: string, notes: string[] }> {
    return this.networks.leave(name)
  }

  async list (): Promise<TwinDeploymentRecord[]> {
    return this.store.list()
  }

  private async record (name: string): Promise<TwinDeploymentRecord> {
    const record = await this.store.get(name)
    if (record == null) throw new DeploymentNotFoundError(`no deployment named "${name}"; see p2pcloud ls`)
    return record
  }

  /** A workload of one of this twin's deployments, its farmer dialled: `workload` may be left out when it has one of that sort. */
  private async target (name: string, sort: WorkloadSort, workload?: string): Promise<{ farmer: PeerId, contractId: string, workload: string }> {
    const record = await this.record(name)
    const picked = pickWorkload(record, sort, workload)
    const farmer = peerIdFromString(record.farmer)
    await this.reach(farmer)
    return { farmer, contractId: record.contractId, workload: picked }
  }

  /**
   * A container's output, from its farmer; `workload` may be left out when
   * the deployment has one container. With `follow`, until `signal` aborts.
   */
  async logs (name: string, options: { workload?: string, follow?: boolean, tailBytes?: number, signal?: AbortSignal } = {}): Promise<AsyncGenerator<LogChunk>> {
    const { farmer, contractId, workload } = await this.target(name, CONTAINERS, options.workload)
    return this.logsClient.logs(farmer, contractId, workload, options)
  }

  /** A command in a container of a deployment (protocols/exec.md); `workload` as for logs. */
  async exec (name: string, request: { workload?: string, argv: string[], tty?: WindowSize, signal?: AbortSignal }): Promise<ExecSession> {
    const { farmer, contractId, workload } = await this.target(name, CONTAINERS, request.workload)
    return this.execClient.open(farmer, { contractId, workload, argv: request.argv, tty: request.tty }, { signal: request.signal })
  }

  /** A zdb namespace of a deployment, to use over `/p2pcloud/zdb/2.0.0`; `workload` may be left out when it has one. */
  async zdb (name: string, workload?: string): Promise<ZdbClient> {
    const target = await this.target(name, NAMESPACES, workload)
    return new ZdbClient(this.node, { farmer: target.farmer, contractId: target.contractId, namespace: target.workload })
  }

  /** A deployment with its live state, in the farmer's words; when the farmer does not answer, what this twin knows and since when it is silent. */
  async get (name: string): Promise<TwinDeploymentView> {
    const record = await this.record(name)
    const farmer = peerIdFromString(record.farmer)
    await this.reach(farmer)
    try {
      const [status, contract] = await Promise.all([
        this.deployments.get(farmer, record.contractId),
        this.components.contracts.client.get(farmer, record.contractId)
      ])
      this.silent.answered(record.farmer)
      const gateways = gatewayViews(status)
      return { ...record, status, contract: contractSummary(contract), ...(gateways.length > 0 ? { gateways } : {}) }
    } catch (err: any) {
      if (!isNoAnswer(err)) throw err
      return { ...record, unreachable: this.unreachable(record.farmer, err) }
    }
  }

  /** A farmer that did not answer `err`: since when, and its last advert this peer holds. */
  private unreachable (farmer: string, err: Error): Unreachable {
    const since = new Date(this.silent.silent(farmer)).toISOString()
    const advert = this.components.capacity.directory.get(farmer)?.advert
    return { since, reason: err.message, ...(advert != null ? { lastAdvert: new Date(advert.issuedAt).toISOString() } : {}) }
  }

  /**
   * Delete the workloads and cancel the contract: the capacity goes back to the farmer. With
   * `force`, a deployment whose farmer does not answer is forgotten here all the same: its
   * contract becomes a pending reservation, cancelled if the farmer answers before its lease
   * ends (until then the farmer may hold it). A namespace of a storage pool is refused (but for
   * the pool itself, `pool`): removing it alone would break the pool.
   */
  async delete (name: string, options: { force?: boolean, pool?: boolean } = {}): Promise<TwinDeletion> {
    const record = await this.record(name)
    if (options.pool !== true) await this.refusePoolMember(name)
    return this.networks.store.serialize(await this.networks.touched(undefined, record), async () => {
      const record = await this.record(name)
      const deletion = await this.release(record, options)
      const notes = await this.networks.reconcile(undefined, record)
      return notes.length > 0 ? { ...deletion, notes } : deletion
    })
  }

  /** A pool's namespace goes only with its pool: alone, its loss would silently take the pool's redundancy. */
  private async refusePoolMember (name: string): Promise<void> {
    const pool = await this.pools.poolOf(name)
    if (pool != null) throw new PoolMemberError(`"${name}" is a namespace of storage pool "${pool.name}": removing it alone would break the pool; remove the pool with p2pcloud store pool rm ${pool.name}`)
  }

  private async release (record: TwinDeploymentRecord, options: { force?: boolean }): Promise<TwinDeletion> {
    const name = record.name
    const farmer = peerIdFromString(record.farmer)
    await this.reach(farmer)
    try {
      await releaseContract(this.components.contracts.client, this.deployments, farmer, record.contractId)
    } catch (err: any) {
      if (!isNoAnswer(err)) throw err
      const holds = `it may hold contract ${record.contractId} until its lease ends`
      const since = this.unreachable(record.farmer, err).since
      if (options.force !== true) throw new FarmerNotAnsweringError(`farmer ${record.farmer} did not answer (${err.message as string}; silent since ${since}); p2pcloud rm --force ${name} forgets the deployment here, and ${holds}`)
      await this.pending.keep(reservationOf(record, Date.now()))
      await this.store.delete(name)
      return { deleted: name, contractId: record.contractId, farmer: record.farmer, cancelled: false, note: `farmer ${record.farmer} did not answer (${err.message as string}); forgotten here: ${holds} (cancelled if it answers before)` }
    }
    await this.store.delete(name)
    return { deleted: name, contractId: record.contractId, farmer: record.farmer, cancelled: true }
  }

  /**
   * Cancel a contract at its farmer: one of a deployment (pending or not) is removed with it; a
   * contract no deployment holds (left over) needs its farmer named.
   */
  async cancelContract (contractId: string, farmerId?: string): Promise<TwinContract> {
    const record = (await this.store.list()).find(r => r.contractId === contractId)
    if (record != null) await this.refusePoolMember(record.name)
    const pending = (await this.store.listPending()).find(r => r.contractId === contractId)
    const named = farmerId ?? record?.farmer ?? pending?.farmer
    if (named == null) throw new ContractNotFoundError(`no deployment of this twin holds contract ${contractId}; name its farmer (--farmer <peer id>)`)
    const holder = record ?? pending
    if (holder != null && holder.farmer !== named) throw new SpecError(`contract ${contractId} is with farmer ${holder.farmer}, not ${named}`)
    const farmer = peerIdFromString(named)
    await this.reach(farmer)
    const contract = await releaseContract(this.components.contracts.client, this.deployments, farmer, contractId)
    if (contract == null) throw new ContractNotFoundError(`farmer ${named} has no contract ${contractId} of this twin`)
    if (record != null) await this.store.delete(record.name)
    if (pending != null) await this.store.deletePending(contractId)
    return contract
  }

  /** A deployment's usage receipts: new ones are fetched from the farmer, verified and kept; all are returned, oldest first. */
  async receipts (name: string): Promise<UsageReceipt[]> {
    const record = await this.record(name)
    const farmer = peerIdFromString(record.farmer)
    const kept = await this.store.receipts(record.contractId)
    const after = kept.length > 0 ? kept[kept.length - 1].seq : 0
    await this.reach(farmer)
    for (const { receipt, envelope } of await this.components.contracts.client.receipts(farmer, record.contractId, after)) {
      await this.store.addReceipt(record.contractId, receipt.seq, envelope)
    }
    return Promise.all((await this.store.receipts(record.contractId)).map(async r => openReceipt(r.envelope, record.farmer)))
  }

  /** This twin's contracts with `farmer`, in the farmer's ledger. */
  async contracts (farmer: PeerId): Promise<TwinContract[]> {
    await this.reach(farmer)
    return this.components.contracts.client.list(farmer)
  }

  /** Set the lease to end `leaseMs` from now; one that would end sooner than it does now only with `shorten` (checkRenewal). */
  async renew (name: string, leaseMs: number, options: { shorten?: boolean } = {}): Promise<TwinDeploymentView> {
    const record = await this.record(name)
    const farmer = peerIdFromString(record.farmer)
    await this.reach(farmer)
    if (options.shorten !== true) {
      const current = await this.components.contracts.client.get(farmer, record.contractId)
      checkRenewal(name, leaseMs, { state: current.state, leaseEnd: current.acceptance.leaseEnd })
    }
    const contract = await this.components.contracts.client.renew(farmer, record.contractId, leaseMs)
    // a gateway's backends are granted until its lease end: the new one goes to the gateway as an update
    const renewed = hasGatewayBackends(record.spec) ? await this.sendUpdate(record, grantGatewayBackends(record.spec, contract.acceptance.leaseEnd)) : record
    return { ...renewed, contract: contractSummary(contract) }
  }
}

function contractSummary (contract: TwinContract): { state: string, leaseEnd: string } {
  return { state: contract.state, leaseEnd: new Date(contract.acceptance.leaseEnd).toISOString() }
}
