import type { DaemonCapabilities } from '@p2pcloud/api'
import { capacityExtensionForHome, capacityRoutes, type CapacityMarket } from '@p2pcloud/capacity'
import { contractRoutes, contractsExtension, type Contracts } from '@p2pcloud/contracts'

/** What a `p2pcloud start` daemon runs beside the core peer: the capacity market, then contracts. */
export const daemonCapabilities: DaemonCapabilities = {
  extensionsFor: async (config, paths) => [
    await capacityExtensionForHome(config, paths),
    contractsExtension(config.farmer.enabled
      ? { farmer: { price: config.farmer.price, graceMs: config.farmer.leaseGraceSeconds * 1000 } }
      : {})
  ],
  routes: peer => ({
    ...capacityRoutes(peer.libp2p.services.capacity as CapacityMarket),
    ...contractRoutes(peer.libp2p.services.contracts as Contracts)
  })
}
