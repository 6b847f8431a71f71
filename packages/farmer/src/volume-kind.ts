import { emptyResources } from '@p2pcloud/capacity'
import { ErrorCodes, MIN_VOLUME_SIZE, ProtocolError, deploymentMessages } from '@p2pcloud/wire'
import { loopMountsMissing } from './loop-filesystem.js'
import { sizeEntry } from './spec-values.js'
import type { WorkloadKind } from './workload-kind.js'

export interface VolumeWorkloadSpec {
  name: string
  type: 'volume'
  /** Bytes. */
  size: number
}

/**
 * `volume`: a filesystem of exactly its size, booked against SSD (SRU), that containers of
 * the same deployment mount. Every farmer runs volumes; its VolumeDriver is the farmer's own.
 */
export const volumeKind: WorkloadKind<VolumeWorkloadSpec, { size: number }> = {
  type: 'volume',
  capability: 'volume',
  applyOrder: 0,
  specKeys: ['name', 'type', 'size'],
  parseSpec: (reader, entries, at, name) => {
    const size = sizeEntry(reader, reader.required(entries, 'size', at, 'a volume needs a size such as 10G'), 0, MIN_VOLUME_SIZE, 'volume')
    return { name, type: 'volume', size }
  },
  encode: spec => deploymentMessages.VolumeData.encode({ size: spec.size }),
  decode: workload => {
    let size: number
    try {
      size = deploymentMessages.VolumeData.decode(workload.data).size
    } catch (err: any) {
      throw new ProtocolError(ErrorCodes.BAD_REQUEST, `volume "${workload.name}": data does not decode: ${err.message}`)
    }
    if (size < MIN_VOLUME_SIZE) throw new ProtocolError(ErrorCodes.BAD_REQUEST, `volume "${workload.name}": size ${size} is below the minimum of ${MIN_VOLUME_SIZE / 2 ** 20} MiB`)
    return { size }
  },
  resources: data => ({ ...emptyResources(), sru: data.size }),
  missing: async () => loopMountsMissing('volume')
}
