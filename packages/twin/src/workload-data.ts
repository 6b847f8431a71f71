import { CID } from 'multiformats/cid'
import { deploymentMessages, peerIdToBytes } from '@p2pcloud/wire'
import type { WorkloadSpec } from './spec.js'

const RESTART = {
  never: deploymentMessages.RestartPolicy.NEVER,
  'on-failure': deploymentMessages.RestartPolicy.ON_FAILURE,
  always: deploymentMessages.RestartPolicy.ALWAYS
}

/** A workload's own message (protocols/deployment.proto), as the farmer's driver for its type reads it. */
export function encodeWorkloadData (workload: WorkloadSpec): Uint8Array {
  if (workload.type === 'volume') return deploymentMessages.VolumeData.encode({ size: workload.size })
  if (workload.type === 'zdb') {
    return deploymentMessages.ZdbData.encode({
      size: workload.size,
      mode: workload.mode === 'seq' ? deploymentMessages.ZdbMode.SEQ : deploymentMessages.ZdbMode.USER,
      readers: workload.readers.map(peerIdToBytes),
      writers: workload.writers.map(peerIdToBytes)
    })
  }
  return deploymentMessages.ContainerData.encode({
    flist: CID.parse(workload.flist).bytes as Uint8Array<ArrayBuffer>,
    entrypoint: workload.entrypoint ?? [],
    args: workload.args ?? [],
    env: Object.entries(workload.env).map(([key, value]) => `${key}=${value}`),
    workdir: workload.workdir ?? '',
    cru: workload.cpu,
    mru: workload.memory,
    rootfsSize: workload.rootfs,
    mounts: workload.mounts.map(m => ({ volume: m.volume, path: m.path, readOnly: m.readOnly })),
    restart: RESTART[workload.restart]
  })
}

/** Volumes first: a container mounts volumes that must exist (farmers before their apply order applied workloads in the order sent). */
export function inApplyOrder (workloads: WorkloadSpec[]): WorkloadSpec[] {
  return [...workloads.filter(w => w.type === 'volume'), ...workloads.filter(w => w.type !== 'volume')]
}

/** Whether an update leaves this workload as it was (so it keeps its version and is not redone). */
export function sameWorkload (a: WorkloadSpec | undefined, b: WorkloadSpec): boolean {
  return a != null && a.type === b.type && Buffer.compare(encodeWorkloadData(a), encodeWorkloadData(b)) === 0
}
