import { Key, type Datastore } from 'interface-datastore'
import type { DeploymentSpec } from './spec.js'

const PREFIX = '/p2pcloud/twin/deployments'
const RECEIPTS = '/p2pcloud/twin/receipts'

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
   * `pending` from before the proposal is sent until every workload settled; a deploy whose farmer
   * did not confirm stays pending until it is cancelled there. Absent in records of older versions: deployed.
   */
  state?: 'pending' | 'deployed'
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

  async list (): Promise<TwinDeploymentRecord[]> {
    const records: TwinDeploymentRecord[] = []
    for await (const { value } of this.datastore.query({ prefix: PREFIX + '/' })) records.push(JSON.parse(new TextDecoder().decode(value)))
    return records.sort((a, b) => a.name.localeCompare(b.name))
  }
}
