import { logger } from '@libp2p/logger'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId, TypedEventTarget, Libp2pEvents } from '@libp2p/interface'
import type { ContractClient, TwinContract } from '@p2pcloud/contracts'
import type { DeploymentClient } from '@p2pcloud/farmer'
import { QUOTE_VALIDITY_MS } from '@p2pcloud/wire'
import type { PendingReservation, TwinDeploymentRecord, TwinStore } from './twin-store.js'
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

/** A deploy failed and its farmer did not answer the cancel: the reservation stays pending (the deploy may go on elsewhere). */
export class PendingError extends DeploymentPendingError {
  constructor (readonly reservation: PendingReservation, readonly reason: Error) {
    super(`deployment "${reservation.name}" on farmer ${reservation.farmer} failed (${reason.message}) and the farmer did not answer its cancel: contract ${reservation.contractId} stays pending and is cancelled once the farmer answers (forgotten after ${new Date(reservation.dropAfter).toISOString()}, when the farmer has freed it anyway)`)
  }
}

/**
 * When the farmer has freed a reservation whatever happens: it books before the quote's
 * `validUntil`, the lease ends `leaseMs` later, and its grace is never longer than the lease
 * (contract.md §4.6).
 */
export function dropAfterOf (validUntil: number, leaseMs: number): number {
  return validUntil + 2 * leaseMs
}

/**
 * The pending reservation of a deployment's contract, from the twin's record of it: the quote
 * was good until at most QUOTE_VALIDITY_MS after the record was made (renewals are not
 * recorded: the first lease bounds how long it is retried, best effort).
 */
export function reservationOf (record: TwinDeploymentRecord, createdAt = record.createdAt): PendingReservation {
  const dropAfter = dropAfterOf(record.createdAt + QUOTE_VALIDITY_MS, record.spec.leaseMs)
  return { contractId: record.contractId, farmer: record.farmer, name: record.name, createdAt, dropAfter }
}

export interface PendingDeploymentsInit {
  store: TwinStore
  contracts: ContractClient
  deployments: DeploymentClient
  reach: (farmer: PeerId) => Promise<void>
  events?: TypedEventTarget<Libp2pEvents>
  retryMs?: number
  now?: () => number
}

/**
 * Contracts this twin proposed but could not confirm. A deploy records a reservation (by contract
 * id, not by the deployment's name) before the proposal leaves, and forgets it once every workload
 * settled. A deploy that fails cancels what it made; when the farmer does not answer (killed,
 * unreachable, hostile, or this twin died), the reservation stays pending and is resolved later —
 * at start, every `retryMs`, and as soon as the farmer connects — while the deployment's name is
 * free and the deploy goes on to the next farmer.
 *
 * Policy: a pending reservation is cancelled, never adopted. Its deploy already failed in the
 * user's eyes, so the workloads are deleted, the contract cancelled (the farmer frees the
 * capacity) and the reservation forgotten; one whose farmer never answers is forgotten once the
 * farmer has freed it anyway (`dropAfter`).
 */
export class PendingDeployments {
  /** Contracts whose deploy is still running in this process: not pending for the resolver. */
  private readonly deploying = new Set<string>()
  /** Farmers that hold a pending reservation of ours (so that a connection from one resolves it at once). */
  private readonly farmers = new Set<string>()
  private timer?: ReturnType<typeof setInterval>
  private resolving?: Promise<PendingReservation[]>

  constructor (private readonly init: PendingDeploymentsInit) {}

  async start (): Promise<void> {
    await this.moveOldPending()
    this.init.events?.addEventListener('peer:connect', this.onConnect)
    // after the first pass, only while some reservation is pending
    this.timer = setInterval(() => { if (this.farmers.size > 0) this.resolveSoon() }, this.init.retryMs ?? PENDING_RETRY_MS)
    this.timer.unref()
    this.resolveSoon()
  }

  stop (): void {
    clearInterval(this.timer)
    this.init.events?.removeEventListener('peer:connect', this.onConnect)
  }

  /** Older versions kept a pending deployment under its name, holding the name: now a reservation by contract id. */
  private async moveOldPending (): Promise<void> {
    for (const record of await this.init.store.list()) {
      if (record.state !== 'pending') continue
      await this.init.store.putPending(reservationOf(record))
      await this.init.store.delete(record.name)
    }
  }

  private readonly onConnect = (event: CustomEvent<PeerId>): void => {
    if (this.farmers.has(event.detail.toString())) this.resolveSoon()
  }

  private resolveSoon (): void {
    this.resolveAll().catch(err => { log.error('resolving pending reservations failed - %e', err) })
  }

  /**
   * Run a deploy whose `reservation` is stored first. When `work` fails, what it made at the
   * farmer is released; a farmer that does not answer leaves the reservation pending (PendingError).
   */
  async whileDeploying<T> (reservation: PendingReservation, work: () => Promise<T>): Promise<T> {
    // marked running before it is written, so that no resolver pass takes it for a left-over
    this.deploying.add(reservation.contractId)
    try {
      await this.init.store.putPending(reservation)
      let done: T
      try {
        done = await work()
      } catch (err: any) {
        if (await this.release(reservation)) throw err
        this.farmers.add(reservation.farmer)
        throw new PendingError(reservation, err)
      }
      await this.init.store.deletePending(reservation.contractId)
      return done
    } finally {
      this.deploying.delete(reservation.contractId)
    }
  }

  /** Keep a contract whose farmer does not answer as pending (e.g. a deployment forgotten by force): cancelled once the farmer answers. */
  async keep (reservation: PendingReservation): Promise<void> {
    await this.init.store.putPending(reservation)
    this.farmers.add(reservation.farmer)
  }

  /** Cancel a pending reservation at its farmer and forget it; false (and kept) when the farmer does not answer. */
  private async release (reservation: PendingReservation): Promise<boolean> {
    try {
      await releaseContract(this.init.contracts, this.init.deployments, peerIdFromString(reservation.farmer), reservation.contractId)
    } catch (err) {
      log('reservation %s (deployment %s) stays pending: farmer %s - %e', reservation.contractId, reservation.name, reservation.farmer, err)
      return false
    }
    await this.init.store.deletePending(reservation.contractId)
    log('pending reservation %s (deployment %s) released at %s', reservation.contractId, reservation.name, reservation.farmer)
    return true
  }

  /** Try every pending reservation once (one pass at a time); resolves with those still pending. */
  async resolveAll (): Promise<PendingReservation[]> {
    this.resolving ??= this.pass().finally(() => { this.resolving = undefined })
    return this.resolving
  }

  private async pass (): Promise<PendingReservation[]> {
    const now = (this.init.now ?? Date.now)()
    const left: PendingReservation[] = []
    for (const reservation of await this.init.store.listPending()) {
      if (this.deploying.has(reservation.contractId)) continue
      if (reservation.dropAfter <= now) {
        // the farmer has ended the contract by now (or never booked it): nothing is left to cancel
        await this.init.store.deletePending(reservation.contractId)
        log('pending reservation %s at %s forgotten: its lease and grace are over', reservation.contractId, reservation.farmer)
        continue
      }
      await this.init.reach(peerIdFromString(reservation.farmer))
      if (!await this.release(reservation)) left.push(reservation)
    }
    this.farmers.clear()
    for (const reservation of await this.init.store.listPending()) this.farmers.add(reservation.farmer)
    return left
  }
}
