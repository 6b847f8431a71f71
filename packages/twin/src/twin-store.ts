import { Key, type Datastore } from 'interface-datastore'
import type { DeploymentSpec } from './spec.js'

const PREFIX = '/p2pcloud/twin/deployments'
const RECEIPTS = '/p2pcloud/twin/receipts'
const PENDING = '/p2pcloud/twin/pending'

/** What the 3Bot remembers of one of its deployments. */
export interface TwinDeploymentRecord {
  name: string
  farmer: string
  contractId: string
  spec: DeploymentSpec
  version: number
  /** Per workload, the deployment version at which it last changed (what the farmer expects back). */
  workloadVersions: Record<string, number>
  createdAt: number
  /**
   * Always `deployed` now: a deploy in progress or left unconfirmed is a PendingReservation. Older
   * versions stored `pending` here (moved to a reservation at start); absent in older records: deployed.
   */
  state?: 'pending' | 'deployed'
}

/**
 * A contract proposed to a farmer and not (yet) confirmed: kept by contract id, not by the
 * deployment's name, so that one farmer that never answers holds neither the name nor the deploy.
 */
export interface PendingReservation {
  contractId: string
  farmer: string
  /** The deployment it was for (for people; another deployment may take the name). */
  name: string
  createdAt: number
  /** When the farmer has freed the capacity anyway (quote validity + lease + its grace, at most the lease): forgotten then. */
  dropAfter: number
}

/** The twin's own deployments, by name, in the peer's level datastore. */
export class TwinStore {
  constructor (private readonly datastore: Datastore) {}

  private key (name: string): Key {
    return new Key(`${PREFIX}/${name}`)
  }

  async get (name: string): Promise<TwinDeploymentRecord | undefined> {
    if (!(await this.datastore.has(this.key(name)))) return undefined
    return JSON.parse(new TextDecoder().decode(await this.datastore.get(this.key(name))))
  }

  async put (record: TwinDeploymentRecord): Promise<void> {
    await this.datastore.put(this.key(record.name), new TextEncoder().encode(JSON.stringify(record)))
  }

  async delete (name: string): Promise<void> {
    await this.datastore.delete(this.key(name))
  }

  /** Receipts the twin keeps, by contract and seq (the farmer's signed envelopes, as received). */
  async addReceipt (contractId: string, seq: number, envelope: Uint8Array): Promise<void> {
    await this.datastore.put(new Key(`${RECEIPTS}/${contractId}/${String(seq).padStart(12, '0')}`), envelope)
  }

  async receipts (contractId: string): Promise<Array<{ seq: number, envelope: Uint8Array }>> {
    const found: Array<{ seq: number, envelope: Uint8Array }> = []
    for await (const { key, value } of this.datastore.query({ prefix: `${RECEIPTS}/${contractId}/` })) found.push({ seq: Number(key.baseNamespace()), envelope: value })
    return found.sort((a, b) => a.seq - b.seq)
  }

  async putPending (reservation: PendingReservation): Promise<void> {
    await this.datastore.put(new Key(`${PENDING}/${reservation.contractId}`), new TextEncoder().encode(JSON.stringify(reservation)))
  }

  async deletePending (contractId: string): Promise<void> {
    await this.datastore.delete(new Key(`${PENDING}/${contractId}`))
  }

  async listPending (): Promise<PendingReservation[]> {
    const found: PendingReservation[] = []
    for await (const { value } of this.datastore.query({ prefix: PENDING + '/' })) found.push(JSON.parse(new TextDecoder().decode(value)))
    return found.sort((a, b) => a.createdAt - b.createdAt)
  }

  async list (): Promise<TwinDeploymentRecord[]> {
    const records: TwinDeploymentRecord[] = []
    for await (const { value } of this.datastore.query({ prefix: PREFIX + '/' })) records.push(JSON.parse(new TextDecoder().decode(value)))
    return records.sort((a, b) => a.name.localeCompare(b.name))
  }
}
