import { mkdir, rm, writeFile } from 'node:fs/promises'
import { emptyResources, type Resources } from '@p2pcloud/capacity'
import { pathUnder } from '@p2pcloud/node'
import { ErrorCodes, ProtocolError, deploymentMessages } from '@p2pcloud/wire'
import type { WorkloadDriver } from './drivers.js'
import type { WorkloadSpec } from './deployment-record.js'
import { mountImage, unmount } from './loop-filesystem.js'

const MiB = 2 ** 20

/**
 * `volume`: an ext4 filesystem of exactly its size, an image file
 * (`volumes/<contract id>/<name>.img`, sparse) loop-mounted at
 * `volumes/<contract id>/<name>`, counted against the contract's SRU: a
 * workload writing past the size gets ENOSPC. Needs root. Unmounted when the
 * farmer stops, mounted again when it applies the volume at start; deleted
 * with its image on remove.
 */
export class VolumeDriver implements WorkloadDriver {
  readonly type = 'volume'
  readonly applyOrder = 0
  private readonly mounted = new Set<string>()

  constructor (private readonly root: string) {}

  private sizeOf (workload: WorkloadSpec): number {
    let size: number
    try {
      size = deploymentMessages.VolumeData.decode(workload.data).size
    } catch (err: any) {
      throw new ProtocolError(ErrorCodes.BAD_REQUEST, `volume "${workload.name}": data does not decode: ${err.message}`)
    }
    if (size < MiB) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `volume "${workload.name}": size ${size} is below the minimum of 1 MiB`)
    return size
  }

  resources (workload: WorkloadSpec): Resources {
    return { ...emptyResources(), sru: this.sizeOf(workload) }
  }

  /** Where a volume's data lives; containers of the same deployment mount it from here. */
  path (contractId: string, name: string): string {
    return pathUnder(this.root, contractId, name)
  }

  private metadataPath (contractId: string, name: string): string {
    return pathUnder(this.root, contractId, `${name}.volume.json`)
  }

  private image (contractId: string, name: string): string {
    return pathUnder(this.root, contractId, `${name}.img`)
  }

  async apply (contractId: string, workload: WorkloadSpec): Promise<void> {
    const size = this.sizeOf(workload)
    await mkdir(pathUnder(this.root, contractId), { recursive: true, mode: 0o700 })
    try {
      await mountImage(this.image(contractId, workload.name), this.path(contractId, workload.name), size)
    } catch (err: any) {
      err.message = `volume "${workload.name}": ${err.message as string}`
      throw err
    }
    this.mounted.add(this.path(contractId, workload.name))
    await writeFile(this.metadataPath(contractId, workload.name), JSON.stringify({ size, version: workload.version }) + '\n')
  }

  async remove (contractId: string, name: string): Promise<void> {
    const path = this.path(contractId, name)
    await unmount(path)
    this.mounted.delete(path)
    await rm(path, { recursive: true, force: true })
    await rm(this.image(contractId, name), { force: true })
    await rm(this.metadataPath(contractId, name), { force: true })
  }

  /** The farmer stops: unmount what this run mounted (the provisioner applies it again at the next start); the data stays in the images. */
  async close (): Promise<void> {
    for (const path of this.mounted) await unmount(path)
    this.mounted.clear()
  }
}
