import type { DaemonCapabilities } from '@p2pcloud/api'
import { capacityExtensionForHome, capacityRoutes, type CapacityMarket } from '@p2pcloud/capacity'
import { contractRoutes, contractsExtension, type Contracts } from '@p2pcloud/contracts'
import { farmerExtension } from '@p2pcloud/farmer'
import { twinExtension, twinRoutes, type Twin } from '@p2pcloud/twin'
import { join } from 'node:path'

/** What a `p2pcloud start` daemon runs beside the core peer: the capacity market, contracts, on farmers the workloads, and the twin SDK. */
export const daemonCapabilities: DaemonCapabilities = {
  extensionsFor: async (config, paths) => [
    await capacityExtensionForHome(config, paths),
    contractsExtension(config.farmer.enabled
      ? { farmer: { price: config.farmer.price, graceMs: config.farmer.leaseGraceSeconds * 1000, receiptPeriodMs: config.farmer.receiptPeriodSeconds * 1000 } }
      : {}),
    ...(config.farmer.enabled ? [farmerExtension({ volumesRoot: join(paths.root, 'volumes') })] : []),
    twinExtension()
  ],
  routes: peer => ({
    ...capacityRoutes(peer.libp2p.services.capacity as CapacityMarket),
    ...contractRoutes(peer.libp2p.services.contracts as Contracts),
    ...twinRoutes(peer.libp2p.services.twin as Twin)
  })
}
