import { join } from 'node:path'
import type { DaemonCapabilities } from '@p2pcloud/api'
import { capacityExtensionForHome, capacityRoutes, type CapacityMarket } from '@p2pcloud/capacity'
import { contractRoutes, contractsExtension, farmerContractsInit, type Contracts } from '@p2pcloud/contracts'
import { farmerExtension, type DriverFactory, type KindServiceFactories } from '@p2pcloud/farmer'
import { FlistService, flistRoutes } from '@p2pcloud/flist'
import { ConfigError, type PeerExtension } from '@p2pcloud/node'
import { storageRoutes, twinExtension, twinRoutes, type Twin } from '@p2pcloud/twin'
import { workloadKinds, type KindServices } from '@p2pcloud/workloads'
import { daemonConfigSchema, type DaemonConfig } from './config.js'

/**
 * A farmer's workloads: volumes always, and each kind whose capability its config offers, with
 * its driver and services (containers: root filesystems from a flist cache over this peer's flist
 * exchange; zdb namespaces under `<home>/zdb`). Offering what this machine cannot run (volumes or
 * containers, whose sizes are loop-mounted images, without root; containers without a container
 * runtime) is refused at start, not at the first deployment.
 */
async function farmerExtensions (config: DaemonConfig, home: string): Promise<PeerExtension[]> {
  const drivers: DriverFactory[] = []
  const services: KindServiceFactories<Partial<KindServices>> = {}
  for (const kind of workloadKinds.offeredBy(config.farmer.capabilities)) {
    const missing = await kind.missing?.()
    if (missing !== undefined) throw new ConfigError(`farmer.capabilities offers "${kind.capability}", but ${missing}`)
    const onFarmer = kind.farmer?.({ home, flistCacheBytes: config.farmer.flistCacheBytes })
    if (onFarmer == null) continue
    drivers.push(onFarmer.driver)
    Object.assign(services, onFarmer.services)
  }
  // the kinds' services read components.farmer: they come after the farmer
  return [farmerExtension({ volumesRoot: join(home, 'volumes'), drivers }), { services }]
}

/** What a `p2pcloud start` daemon runs beside the core peer: the capacity market, contracts, flists, on farmers the workloads, and the twin SDK. */
export const daemonCapabilities: DaemonCapabilities<DaemonConfig> = {
  configSchema: daemonConfigSchema,
  extensionsFor: async (config, paths) => [
    await capacityExtensionForHome(config, paths),
    contractsExtension(config.farmer.enabled ? { farmer: farmerContractsInit(config.farmer, config.farmer.price) } : {}),
    // before the farmer: its container driver fetches root filesystems through it
    { services: { flists: (components: any) => new FlistService(components, { root: join(paths.root, 'flists') }) } },
    ...(config.farmer.enabled ? await farmerExtensions(config, paths.root) : []),
    twinExtension()
  ],
  routes: peer => ({
    ...capacityRoutes(peer.libp2p.services.capacity as CapacityMarket),
    ...contractRoutes(peer.libp2p.services.contracts as Contracts),
    ...flistRoutes(peer.libp2p.services.flists as FlistService),
    ...twinRoutes(peer.libp2p.services.twin as Twin),
    ...storageRoutes(peer.libp2p.services.twin as Twin)
  })
}
