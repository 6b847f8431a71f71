import { join } from 'node:path'
import type { DaemonCapabilities } from '@p2pcloud/api'
import { capacityExtensionForHome, capacityRoutes, type CapacityMarket } from '@p2pcloud/capacity'
import { contractRoutes, contractsExtension, farmerContractsInit, type Contracts } from '@p2pcloud/contracts'
import { farmerExtension, loopMountUnavailable, type DriverFactory } from '@p2pcloud/farmer'
import { FlistService, flistRoutes } from '@p2pcloud/flist'
import { ConfigError, type PeerExtension } from '@p2pcloud/node'
import { containerCapability, containerRuntimeMissing, hostIdOf } from '@p2pcloud/runtime'
import { storageRoutes, twinExtension, twinRoutes, type Twin } from '@p2pcloud/twin'
import { zdbCapability } from '@p2pcloud/zdb'
import { daemonConfigSchema, type DaemonConfig } from './config.js'

/**
 * A farmer's workloads: volumes always; containers when its config offers them, their root
 * filesystems from a flist cache over this peer's flist exchange; zdb namespaces under
 * `<home>/zdb` when it offers zdb. Offering what this machine cannot enforce (volumes or
 * containers, whose sizes are loop-mounted images, without root; containers without a
 * container runtime) is refused at start, not at the first deployment.
 */
async function farmerExtensions (config: DaemonConfig, home: string): Promise<PeerExtension[]> {
  const drivers: DriverFactory[] = []
  const services: Record<string, (components: any) => unknown> = {}
  const noLoopMounts = loopMountUnavailable()
  for (const sized of ['volume', 'container'] as const) {
    if (noLoopMounts !== undefined && config.farmer.capabilities.includes(sized)) {
      throw new ConfigError(`farmer.capabilities offers "${sized}", but ${noLoopMounts} (its size is enforced on a loop-mounted image); run the farmer as root or remove "${sized}"`)
    }
  }
  if (config.farmer.capabilities.includes('container')) {
    const missing = await containerRuntimeMissing()
    if (missing !== undefined) throw new ConfigError(`farmer.capabilities offers "container", but ${missing}`)
    const containers = containerCapability({
      root: join(home, 'containers'),
      rootfs: components => (components.flists as FlistService).cache({ root: join(home, 'flists', 'cache'), maxBytes: config.farmer.flistCacheBytes, ownerShift: hostIdOf(0) })
    })
    drivers.push(containers.driver)
    services.logs = containers.logsService
  }
  if (config.farmer.capabilities.includes('zdb')) {
    const zdb = zdbCapability({ root: join(home, 'zdb') })
    drivers.push(zdb.driver)
    services.zdb = zdb.service
  }
  // the logs and zdb services read components.farmer: they come after the farmer
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
