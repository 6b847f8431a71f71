import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2pEvents, PeerId, PrivateKey, TypedEventTarget } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { shortfall, type CapacityMarket, type Resources } from '@p2pcloud/capacity'
import { contractIdOf, openReceipt, signProposal, type Contracts, type TwinContract, type UsageReceipt } from '@p2pcloud/contracts'
import { DeploymentClient, type DeploymentStatusView } from '@p2pcloud/farmer'
import { LogsClient, type LogChunk } from '@p2pcloud/runtime'
import type { StreamOpener } from '@p2pcloud/wire'
import { SpecError, specResources, type DeploymentSpec } from './spec.js'
import { ContractNotFoundError, DeployFailedError, DeploymentExistsError, DeploymentNotFoundError, DeploymentPendingError, NoCapacityError, NoMatchingFarmerError, WorkloadNotFoundError } from './errors.js'
import { encodeWorkloadData, inApplyOrder, sameWorkload } from './workload-data.js'
import { TwinStore, type TwinDeploymentRecord } from './twin-store.js'
import { StoragePools } from './storage-pools.js'
import { MAX_FAILED_CANDIDATES, PROBE_TIMEOUT_MS, UnreachableFarmers, place } from './placement.js'
import { farmerFilter, noMatchMessage, tryNextFarmer } from './farmer-filter.js'
import { settle } from './settle.js'
import { PendingDeployments, releaseContract } from './pending-deployments.js'

const log = logger('p2pcloud:twin')

export interface TwinComponents {
  privateKey: PrivateKey
  peerId: PeerId
  datastore: Datastore
  capacity: CapacityMarket
  contracts: Contracts
  /** Optional: without it, pending deployments are retried on the timer only. */
  events?: TypedEventTarget<Libp2pEvents>
  connectionManager: { openStream: StreamOpener['dialProtocol'], openConnection(peer: any, options?: any): Promise<unknown> }
}

export interface TwinDeploymentView extends TwinDeploymentRecord {
  status?: DeploymentStatusView
  contract?: { state: string, leaseEnd: string }
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
}

/**
 * The 3Bot SDK: deploy a spec (find → live capacity check → quote → propose
 * → deploy → wait until every workload is `ok`, or fail with the farmer's
 * message and cancel the contract), list, get, delete and renew.
 */
export class Twin {
  private readonly store: TwinStore
  private readonly deployments: DeploymentClient
  private readonly logsClient: LogsClient
  /** Storage pools of zdb namespaces and the encrypted, erasure-coded objects in them. */
  readonly pools: StoragePools
  /** Farmers that recently did not answer: placements try them last. */
  readonly unreachable = new UnreachableFarmers()
  private readonly pending: PendingDeployments

  constructor (private readonly components: TwinComponents, private readonly options: TwinOptions = {}) {
    this.store = new TwinStore(components.datastore)
    const node: StreamOpener = { dialProtocol: async (peer, protocols, opts) => components.connectionManager.openStream(peer, protocols, opts) }
    this.deployments = new DeploymentClient(node, components.privateKey)
    this.logsClient = new LogsClient(node)
    this.pools = new StoragePools(components, this, node)
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
  }

  async stop (): Promise<void> {
    this.pending.stop()
  }

  /** Resolve every deployment left pending now (cancelled at a farmer that answers); the names still pending. */
  async resolvePending (): Promise<string[]> {
    return this.pending.resolveAll()
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
    const live = await this.components.capacity.fetchAdvert(farmer, { signal })
    const missing = shortfall(live.advert.free, { cru: 0, mru: 0, sru: 0, hru: 0, ipv4u: 0, ...need })
    if (missing.length > 0) throw new NoCapacityError(`${farmer.toString()} has too little free ${missing.join(', ')}`)
  }

  /** Placement options shared by deploys and pools: the failure budget, the probe's timeout, who recently did not answer. */
  get placement (): { unreachable: UnreachableFarmers, maxFailed: number, probeTimeoutMs: number } {
    return { unreachable: this.unreachable, maxFailed: this.options.maxFailedFarmers ?? MAX_FAILED_CANDIDATES, probeTimeoutMs: this.options.probeTimeoutMs ?? PROBE_TIMEOUT_MS }
  }

  /** Matching farmers, cheapest first: enough that the failure budget can be spent on others than those that recently did not answer. */
  private async candidates (spec: DeploymentSpec, need: Resources): Promise<string[]> {
    const filter = farmerFilter(spec, need)
    const { maxFailed } = this.placement
    await this.components.capacity.find({ ...filter, limit: maxFailed })
    return this.components.capacity.directory.query({ ...filter, limit: maxFailed + this.unreachable.size }).map(entry => entry.advert.peerId)
  }

  /**
   * Deploy on the farmer the spec pins (its own error when it fails), else on the cheapest matching
   * farmer that answers and takes it: one that does not answer or has no room is passed over.
   */
  async deploy (spec: DeploymentSpec): Promise<TwinDeploymentView> {
    const existing = await this.store.get(spec.name)
    if (existing != null) {
      const pending = existing.state === 'pending' ? ' (pending: its farmer did not confirm it; it is cancelled once the farmer answers)' : ''
      throw new DeploymentExistsError(`a deployment named "${spec.name}" exists already${pending}; remove it first (p2pcloud rm ${spec.name})`)
    }
    const need = specResources(spec)
    if (spec.where.farmer != null) {
      const farmer = peerIdFromString(spec.where.farmer)
      await this.probe(farmer, need, AbortSignal.timeout(this.placement.probeTimeoutMs))
      return this.deployOn(farmer, spec, need)
    }
    const farmers = await this.candidates(spec, need)
    if (farmers.length === 0) throw new NoMatchingFarmerError(noMatchMessage(spec, need))
    const [deployed] = await place(farmers, {
      ...this.placement,
      what: `no farmer took deployment "${spec.name}"`,
      probe: async (farmer, signal) => { await this.probe(peerIdFromString(farmer), need, signal) },
      use: async farmer => this.deployOn(peerIdFromString(farmer), spec, need),
      tryNextAfter: tryNextFarmer
    })
    return deployed
  }

  /**
   * Quote, propose, deploy, settle on one farmer. The deployment is kept as pending before the
   * proposal leaves: a farmer (or this twin) that dies before it is confirmed leaves a record to
   * resolve, never a contract nobody knows of.
   */
  private async deployOn (farmer: PeerId, spec: DeploymentSpec, need: Resources): Promise<TwinDeploymentView> {
    const { envelope } = await this.components.contracts.client.quote(farmer, need, spec.leaseMs)
    const proposal = await signProposal(envelope, this.components.peerId.toString(), Date.now(), this.components.privateKey)
    const workloadVersions = Object.fromEntries(spec.workloads.map(w => [w.name, 1]))
    const record: TwinDeploymentRecord = { name: spec.name, farmer: farmer.toString(), contractId: contractIdOf(proposal), spec, version: 1, workloadVersions, createdAt: Date.now(), state: 'pending' }
    return this.pending.whileDeploying(record, async () => {
      const contract = await this.components.contracts.client.sendProposal(farmer, proposal)
      const status = await this.send(farmer, record)
      const deployed: TwinDeploymentRecord = { ...record, state: 'deployed' }
      await this.store.put(deployed)
      return { ...deployed, status, contract: contractSummary(contract) }
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
      workloads: inApplyOrder(record.spec.workloads).map(w => ({ name: w.name, type: w.type, version: record.workloadVersions[w.name], data: encodeWorkloadData(w) }))
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
  async update (spec: DeploymentSpec): Promise<TwinDeploymentView> {
    const current = await this.record(spec.name)
    if (current.state === 'pending') throw new DeploymentPendingError(`deployment "${spec.name}" is pending: its farmer never confirmed it, and it is cancelled once the farmer answers; remove it (p2pcloud rm ${spec.name}) and deploy again`)
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

  async list (): Promise<TwinDeploymentRecord[]> {
    return this.store.list()
  }

  private async record (name: string): Promise<TwinDeploymentRecord> {
    const record = await this.store.get(name)
    if (record == null) throw new DeploymentNotFoundError(`no deployment named "${name}"; see p2pcloud ls`)
    return record
  }

  /**
   * A container's output, from its farmer; `workload` may be left out when
   * the deployment has one container. With `follow`, until `signal` aborts.
   */
  async logs (name: string, options: { workload?: string, follow?: boolean, tailBytes?: number, signal?: AbortSignal } = {}): Promise<AsyncGenerator<LogChunk>> {
    const record = await this.record(name)
    const containers = record.spec.workloads.filter(w => w.type === 'container').map(w => w.name)
    const workload = options.workload ?? (containers.length === 1 ? containers[0] : undefined)
    if (workload == null) {
      throw new WorkloadNotFoundError(containers.length === 0 ? `deployment "${name}" has no container` : `deployment "${name}" has several containers (${containers.join(', ')}); name one`)
    }
    if (!containers.includes(workload)) throw new WorkloadNotFoundError(`deployment "${name}" has no container named "${workload}"; its containers: ${containers.join(', ') || 'none'}`)
    const farmer = peerIdFromString(record.farmer)
    await this.reach(farmer)
    return this.logsClient.logs(farmer, record.contractId, workload, options)
  }

  /** A deployment with its live state, in the farmer's words. */
  async get (name: string): Promise<TwinDeploymentView> {
    const record = await this.record(name)
    const farmer = peerIdFromString(record.farmer)
    await this.reach(farmer)
    const [status, contract] = await Promise.all([
      this.deployments.get(farmer, record.contractId),
      this.components.contracts.client.get(farmer, record.contractId)
    ])
    return { ...record, status, contract: contractSummary(contract) }
  }

  /** Delete the workloads and cancel the contract: the capacity goes back to the farmer. */
  async delete (name: string): Promise<void> {
    const record = await this.record(name)
    const farmer = peerIdFromString(record.farmer)
    await this.reach(farmer)
    await releaseContract(this.components.contracts.client, this.deployments, farmer, record.contractId)
    await this.store.delete(name)
  }

  /**
   * Cancel a contract at its farmer: one of a deployment (pending or not) is removed with it; a
   * contract no deployment holds (left over) needs its farmer named.
   */
  async cancelContract (contractId: string, farmerId?: string): Promise<TwinContract> {
    const record = (await this.store.list()).find(r => r.contractId === contractId)
    const named = farmerId ?? record?.farmer
    if (named == null) throw new ContractNotFoundError(`no deployment of this twin holds contract ${contractId}; name its farmer (--farmer <peer id>)`)
    if (record != null && record.farmer !== named) throw new SpecError(`contract ${contractId} is with farmer ${record.farmer}, not ${named}`)
    const farmer = peerIdFromString(named)
    await this.reach(farmer)
    const contract = await releaseContract(this.components.contracts.client, this.deployments, farmer, contractId)
    if (contract == null) throw new ContractNotFoundError(`farmer ${named} has no contract ${contractId} of this twin`)
    if (record != null) await this.store.delete(record.name)
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

  async renew (name: string, leaseMs: number): Promise<TwinDeploymentView> {
    const record = await this.record(name)
    const farmer = peerIdFromString(record.farmer)
    await this.reach(farmer)
    const contract = await this.components.contracts.client.renew(farmer, record.contractId, leaseMs)
    return { ...record, contract: contractSummary(contract) }
  }
}

function contractSummary (contract: TwinContract): { state: string, leaseEnd: string } {
  return { state: contract.state, leaseEnd: new Date(contract.acceptance.leaseEnd).toISOString() }
}
