import { workloadKinds } from '@p2pcloud/workloads'
import type { WorkloadSpec } from './spec.js'

/** Whether an update leaves this workload as it was (so it keeps its version and is not redone). */
export function sameWorkload (a: WorkloadSpec | undefined, b: WorkloadSpec): boolean {
  return a != null && a.type === b.type && Buffer.compare(workloadKinds.encode(a), workloadKinds.encode(b)) === 0
}
