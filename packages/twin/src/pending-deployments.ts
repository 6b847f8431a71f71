import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId, TypedEventTarget, Libp2pEvents } from '@libp2p/interface'
import type { ContractClient, TwinContract } from '@p2pcloud/contracts'
import type { DeploymentClient } from '@p2pcloud/farmer'
import type { TwinDeploymentRecord, TwinStore } from './twin-store.js'
import { DeploymentPendingError } from './errors.js'

const log = logger('p2pcloud:twin:pending')

export const PENDING_RETRY_MS = 30_000

/**
 * Delete a contract's workloads and cancel it at its farmer. Undefined when the farmer never
 * booked it (NOT_FOUND); a farmer that does not answer throws.
 */
export async function releaseContract (contracts: ContractClient, deployments: DeploymentClient, farmer: PeerId, contractId: string): Promise<TwinContract | undefined> {
  await deployments.delete(farmer, contractId).catch((err: any) => { if (err.code !== 'NOT_FOUND') throw err })
  return contracts.cancel(farmer, contractId).catch((err: any) => {
    if (err.code === 'NOT_FOUND') return undefined
    throw err
  })
}

/** A deploy failed and its farmer did not answer the cancel: the deployment stays pending. */
export class PendingError extends DeploymentPendingError {
  constructor (readonly record: TwinDeploymentRecord, readonly reason: Error) {
    super(`deployment "${record.name}" on farmer ${record.farmer} failed (${reason.message}) and the farmer did not answer its cancel: it stays pending (contract ${record.contractId}) and is cancelled once the farmer answers`)
  }
}

export interface PendingDeploymentsInit {
  store: TwinStore
  contracts: ContractClient
  deployments: DeploymentClient
  reach: (farmer: PeerId) => Promise<void>
  events?: TypedEventTarget<Libp2pEvents>
  retryMs?: number
}

/**
 * Deployments this twin started but could not confirm. A deploy writes its record as `pending`
 * before the proposal leaves, and `deployed` once every workload settled. A deploy that fails
 * cancels what it made; when the farmer does not answer (killed, unreachable, or this twin died),
 * the record stays pending and is resolved later — at start, every `retryMs`, and as soon as the
 * farmer connects.
 *
 * Policy: a pending deployment is cancelled, never adopted. Its deploy already failed in the
 * user's eyes (they saw the error and may deploy again under the same name), so the workloads are
 * deleted, the contract cancelled (the farmer frees the capacity) and the record forgotten.
 */
export class PendingDeployments {
  /** Names whose deploy is still running in this process: not pending for the resolver. */
  private readonly deploying = new Set<string>()
  /** Farmers that hold a pending deployment of ours (so that a connection from one resolves it at once). */
  private readonly farmers = new Set<string>()
  private timer?: ReturnType<typeof setInterval>
  private resolving?: Promise<string[]>

  constructor (private readonly init: PendingDeploymentsInit) {}

  async start (): Promise<void> {
    this.init.events?.addEventListener('peer:connect', this.onConnect)
    // after the first pass, only while some deployment is pending
    this.timer = setInterval(() => { if (this.farmers.size > 0) this.resolveSoon() }, this.init.retryMs ?? PENDING_RETRY_MS)
    this.timer.unref()
    this.resolveSoon()
  }

  stop (): void {
    clearInterval(this.timer)
    this.init.events?.removeEventListener('peer:connect', this.onConnect)
  }

  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    if (this.farmers.has(event.detail.toString())) this.resolveSoon()
  }

  private resolveSoon (): void {
    this.resolveAll().catch(err => { log.error('resolving pending deployments failed - %e', err) })
  }

  /**
   * Run a deploy whose `record` (state pending) is stored first. When `work` fails, what it made
   * at the farmer is released; a farmer that does not answer leaves the record pending.
   */
  async whileDeploying<T> (record: TwinDeploymentRecord, work: () => Promise<T>): Promise<T> {
    // marked running before it is written, so that no resolver pass takes it for a left-over
    this.deploying.add(record.name)
    try {
      await this.init.store.put(record)
    } catch (err) {
      this.deploying.delete(record.name)
      throw err
    }
    try {
      return await work()
    } catch (err: any) {
      if (await this.release(record)) throw err
      this.farmers.add(record.farmer)
      // not a failure to try elsewhere: the name is held by this pending deployment until it is resolved
      throw new PendingError(record, err)
    } finally {
      this.deploying.delete(record.name)
    }
  }

  /** Cancel a pending deployment at its farmer and forget it; false (and kept) when the farmer does not answer. */
  private async release (record: TwinDeploymentRecord): Promise<boolean> {
    try {
      await releaseContract(this.init.contracts, this.init.deployments, peerIdFromString(record.farmer), record.contractId)
    } catch (err) {
      log('pending deployment %s stays pending: farmer %s - %e', record.name, record.farmer, err)
      return false
    }
    await this.init.store.delete(record.name)
    log('pending deployment %s released at %s', record.name, record.farmer)
    return true
  }

  /** Try every pending deployment once (one pass at a time); resolves with the names still pending. */
  async resolveAll (): Promise<string[]> {
    this.resolving ??= this.pass().finally(() => { this.resolving = undefined })
    return this.resolving
  }

  private async pass (): Promise<string[]> {
    const pending = (await this.init.store.list()).filter(r => r.state === 'pending' && !this.deploying.has(r.name))
    const left: string[] = []
    for (const record of pending) {
      await this.init.reach(peerIdFromString(record.farmer))
      if (!await this.release(record)) left.push(record.name)
    }
    this.farmers.clear()
    for (const record of await this.init.store.list()) if (record.state === 'pending') this.farmers.add(record.farmer)
    return left
  }
}
