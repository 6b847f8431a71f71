import { volumeKind } from '@p2pcloud/farmer'
import { gatewayFqdnKind, gatewayNameKind } from '@p2pcloud/gateway'
import { networkKind } from '@p2pcloud/network'
import { containerKind } from '@p2pcloud/runtime'
import { zdbKind } from '@p2pcloud/zdb'
import { WorkloadKinds, type ServicesOfKinds, type SpecOf } from './workload-kinds.js'

export * from './workload-kinds.js'

/** Every workload kind, registered here once (a new kind: its module, and its name in this list). */
export const workloadKinds = new WorkloadKinds([volumeKind, networkKind, containerKind, zdbKind, gatewayNameKind, gatewayFqdnKind] as const)

/** A workload as a spec describes it, of any registered kind. */
export type AnyWorkloadSpec = SpecOf<typeof workloadKinds.all[number]>

/** The services the registered kinds add to a farmer, by name (a daemon's service map includes them). */
export type KindServices = ServicesOfKinds<typeof workloadKinds.all>
