import { mkdir, rm, stat, statfs } from 'node:fs/promises'
import type { Resources } from '@p2pcloud/capacity'
import { formatSize, pathUnder } from '@p2pcloud/node'
import { ErrorCodes, ProtocolError } from '@p2pcloud/wire'
import { ZdbDiskFullError } from './errors.js'
import { NamespaceStore, type NamespaceMode } from './namespace-store.js'
import type { KindRules, WorkloadDriver, WorkloadSpec } from '@p2pcloud/farmer'

/** What a zdb workload asks for, decoded and checked. */
export interface ZdbWorkload {
  size: number
  mode: NamespaceMode
  /** Peer ids (text) that may read, and those that may also write, besides the twin. */
  readers: Set<string>
  writers: Set<string>
}

/** A running namespace: its store and the workload that made it. */
export interface OpenNamespace { store: NamespaceStore, workload: ZdbWorkload }

/**
 * `zdb`: a namespace of `size` bytes at `<root>/<contract id>/<name>` (data file and index),
 * counted against the contract's HRU. Open while its lease runs; stop closes it and keeps the
 * data, remove deletes it. The zdb protocol reaches it through `namespace()`.
 */
export class ZdbDriver implements WorkloadDriver {
  readonly type: string
  readonly applyOrder: number
  private readonly open = new Map<string, OpenNamespace>()

  /** `kind` is zdb-kind.ts's, which builds the driver: the type and how its data is read and counted. */
  constructor (private readonly root: string, private readonly kind: KindRules<ZdbWorkload>) {
    this.type = kind.type
    this.applyOrder = kind.applyOrder
  }

  private key (contractId: string, name: string): string { return `${contractId}/${name}` }
  private dir (contractId: string, name: string): string { return pathUnder(this.root, contractId, name) }

  resources (workload: WorkloadSpec): Resources {
    return this.kind.resources(this.kind.decode(workload))
  }

  async apply (contractId: string, workload: WorkloadSpec): Promise<void> {
    const wanted = this.kind.decode(workload)
    const key = this.key(contractId, workload.name)
    let current = this.open.get(key)
    if (current !== undefined && current.workload.mode !== wanted.mode) {
      throw new ProtocolError(ErrorCodes.BAD_REQUEST, `zdb "${workload.name}": its mode is ${current.workload.mode}; a namespace's mode cannot change (remove it and deploy a new one)`)
    }
    // a new namespace, or a larger one, must fit in what the disk has beside what the others may still write
    const created = current === undefined && !await stat(this.dir(contractId, workload.name)).then(() => true, () => false)
    if (created || (current !== undefined && wanted.size > current.workload.size)) await this.checkRoom(key, workload.name, wanted.size)
    if (current === undefined) {
      let store: NamespaceStore
      try {
        store = await NamespaceStore.open(this.dir(contractId, workload.name), { mode: wanted.mode, maxBytes: wanted.size })
      } catch (err: any) {
        if (err.name === 'ZdbInputError') throw new ProtocolError(ErrorCodes.BAD_REQUEST, `zdb "${workload.name}": ${err.message as string}`)
        throw err
      }
      current = { store, workload: wanted }
      this.open.set(key, current)
    }
    current.store.resize(wanted.size)
    current.workload = wanted
  }

  /**
   * Refuse a namespace of `size` bytes (new, or grown to it) that the disk under `root` cannot
   * hold beside what the open namespaces may still write: a farmer whose disk fills says so at
   * deploy time instead of failing its tenants' writes later. Reopening one is never refused.
   */
  private async checkRoom (key: string, name: string, size: number): Promise<void> {
    await mkdir(this.root, { recursive: true })
    const disk = await statfs(this.root)
    const free = disk.bavail * disk.bsize
    let promised = 0
    let held = 0
    for (const [other, { store }] of this.open) {
      const info = store.info()
      if (other === key) held = info.usedBytes
      else promised += Math.max(0, info.maxBytes - info.usedBytes)
    }
    if (free < promised + size - held) {
      throw new ZdbDiskFullError(`zdb "${name}": this farmer's disk has ${formatSize(free)} free, ${formatSize(promised)} of it promised to its other namespaces; a namespace of ${formatSize(size)} does not fit`)
    }
  }

  async stop (contractId: string, name: string): Promise<void> {
    const key = this.key(contractId, name)
    const current = this.open.get(key)
    this.open.delete(key)
    await current?.store.close()
  }

  async remove (contractId: string, name: string): Promise<void> {
    await this.stop(contractId, name)
    await rm(this.dir(contractId, name), { recursive: true, force: true })
  }

  async close (): Promise<void> {
    await Promise.all([...this.open.values()].map(async o => { await o.store.close() }))
    this.open.clear()
  }

  /** Bytes the open namespaces' current values hold (deleted and overwritten ones are compacted away). */
  heldBytes (): number {
    let bytes = 0
    for (const { store } of this.open.values()) bytes += store.info().usedBytes
    return bytes
  }

  /** The open namespace and who may use it, or undefined when it is not running. */
  namespace (contractId: string, name: string): OpenNamespace | undefined {
    return this.open.get(this.key(contractId, name))
  }
}
