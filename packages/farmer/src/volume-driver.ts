import { mkdir, rm, writeFile } from 'node:fs/promises'
import type { Resources } from '@p2pcloud/capacity'
import { pathUnder } from '@p2pcloud/node'
import type { WorkloadDriver } from './drivers.js'
import type { WorkloadSpec } from './deployment-record.js'
import { mountImage, unmount } from './loop-filesystem.js'
import { volumeKind } from './volume-kind.js'

/**
 * `volume`: an ext4 filesystem of exactly its size, an image file
 * (`volumes/<contract id>/<name>.img`, sparse) loop-mounted at
 * `volumes/<contract id>/<name>`, counted against the contract's SRU: a
 * workload writing past the size gets ENOSPC. Needs root. Unmounted when the
 * farmer stops, mounted again when it applies the volume at start; deleted
 * with its image on remove.
 */
export class VolumeDriver implements WorkloadDriver {
  readonly type = volumeKind.type
  readonly applyOrder = volumeKind.applyOrder
  private readonly mounted = new Set<string>()

  constructor (private readonly root: string) {}

  resources (workload: WorkloadSpec): Resources {
    return volumeKind.resources(volumeKind.decode(workload))
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
    const { size } = volumeKind.decode(workload)
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
