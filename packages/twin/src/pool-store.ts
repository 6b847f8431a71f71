import { Key, type Datastore } from 'interface-datastore'
import { PoolNotFoundError } from './errors.js'
import type { StoragePool } from './storage-pools.js'

const PREFIX = '/p2pcloud/twin/pools'

/**
 * The twin's storage pools in its datastore. Changes to one pool (a repair's replacement, a
 * renewal's new lease end) are made one at a time, each on the pool as it is then, so that
 * neither writes back a copy that misses the other's change.
 */
export class PoolStore {
  private readonly updating = new Map<string, Promise<unknown>>()

  constructor (private readonly datastore: Datastore) {}

  private key (name: string): Key { return new Key(`${PREFIX}/${name}`) }

  async has (name: string): Promise<boolean> {
    return this.datastore.has(this.key(name))
  }

  async get (name: string): Promise<StoragePool> {
    if (!(await this.has(name))) throw new PoolNotFoundError(`no storage pool named "${name}"; create one with p2pcloud store init --data K --parity M`)
    return JSON.parse(new TextDecoder().decode(await this.datastore.get(this.key(name))))
  }

  async list (): Promise<StoragePool[]> {
    const pools: StoragePool[] = []
    for await (const { value } of this.datastore.query({ prefix: `${PREFIX}/` })) pools.push(JSON.parse(new TextDecoder().decode(value)))
    return pools
  }

  async put (pool: StoragePool): Promise<void> {
    await this.datastore.put(this.key(pool.name), new TextEncoder().encode(JSON.stringify(pool)))
  }

  async delete (name: string): Promise<void> {
    await this.datastore.delete(this.key(name))
  }

  /** Applies `change` to the pool as stored, after every change to it asked for before; stores and returns it. */
  async update (name: string, change: (pool: StoragePool) => void | Promise<void>): Promise<StoragePool> {
    const previous = this.updating.get(name) ?? Promise.resolve()
    const next = previous.catch(() => {}).then(async () => {
      const pool = await this.get(name)
      await change(pool)
      await this.put(pool)
      return pool
    })
    this.updating.set(name, next)
    try {
      return await next
    } finally {
      if (this.updating.get(name) === next) this.updating.delete(name)
    }
  }
}
