import { mkdir, rm, writeFile } from 'node:fs/promises'
import { emptyResources, type Resources } from '@p2pcloud/capacity'
import { pathUnder } from '@p2pcloud/node'
import { ErrorCodes, ProtocolError, deploymentMessages } from '@p2pcloud/wire'
import type { WorkloadDriver } from './drivers.js'
import type { WorkloadSpec } from './deployment-record.js'

const MiB = 2 ** 20

/**
 * `volume`: a directory of a given size under the farmer's home
 * (`volumes/<contract id>/<name>`), counted against the contract's SRU and
 * removed on delete. The size is booked, not yet enforced by a filesystem quota.
 */
export class VolumeDriver implements WorkloadDriver {
  readonly type = 'volume'

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

  async apply (contractId: string, workload: WorkloadSpec): Promise<void> {
    const dir = this.path(contractId, workload.name)
    await mkdir(dir, { recursive: true, mode: 0o700 })
    await writeFile(this.metadataPath(contractId, workload.name), JSON.stringify({ size: this.sizeOf(workload), version: workload.version }) + '\n')
  }

  async remove (contractId: string, name: string): Promise<void> {
    await rm(this.path(contractId, name), { recursive: true, force: true })
    await rm(this.metadataPath(contractId, name), { force: true })
  }
}
