import { Key, type Datastore } from 'interface-datastore'
import type { DeploymentSpec } from './spec.js'

const PREFIX = '/p2pcloud/twin/deployments'

/** What the 3Bot remembers of one of its deployments. */
export interface TwinDeploymentRecord {
  name: string
  farmer: string
  contractId: string
  spec: DeploymentSpec
  version: number
  createdAt: number
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

  async list (): Promise<TwinDeploymentRecord[]> {
    const records: TwinDeploymentRecord[] = []
    for await (const { value } of this.datastore.query({ prefix: PREFIX + '/' })) records.push(JSON.parse(new TextDecoder().decode(value)))
    return records.sort((a, b) => a.name.localeCompare(b.name))
  }
}
