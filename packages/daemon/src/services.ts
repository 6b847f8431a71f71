import { join } from 'node:path'
import { capacityExtensionForHome, type CapacityMarket, type CapacityTuning } from '@p2pcloud/capacity'
import { contractsService, farmerContractsInit, type Contracts, type ContractsInit } from '@p2pcloud/contracts'
import { farmerService, loopMountUnavailable, type DriverFactory, type Farmer } from '@p2pcloud/farmer'
import { flistService, type FlistService, type FlistServiceInit } from '@p2pcloud/flist'
import { ConfigError, type HomePeer, type P2PCloudLibp2p, type PeerExtension, type ServiceFactories } from '@p2pcloud/node'
import { containerCapability, containerRuntimeMissing, hostIdOf, type ContainerCapabilityInit, type LogsService } from '@p2pcloud/runtime'
import { twinService, type Twin, type TwinOptions } from '@p2pcloud/twin'
import { zdbCapability, type ZdbService } from '@p2pcloud/zdb'
import type { DaemonConfig } from './config.js'

/** What a daemon runs beside the core peer; a farmer's services only on farmers, and those only for what it offers. */
export interface DaemonServices {
  capacity: CapacityMarket
  contracts: Contracts
  flists: FlistService
  farmer?: Farmer
  /** Containers' logs, on farmers that offer `container`. */
  logs?: LogsService
  /** The zdb protocol, on farmers that offer `zdb`. */
  zdb?: ZdbService
  twin: Twin
}

/** A peer running what a daemon runs. */
export type DaemonLibp2p = P2PCloudLibp2p<DaemonServices>

/** A daemon's peer, started from its home, with its services typed. */
export type DaemonPeer = HomePeer<DaemonConfig, DaemonServices>

/** The factories of what the farmer side adds. */
type FarmerServices = Pick<ServiceFactories<DaemonServices>, 'farmer' | 'logs' | 'zdb'>

/**
 * Settings a config.json does not have, for peers started by tests, the simulation and
 * benchmarks: shorter timers, and where containers' root filesystems come from.
 */
export interface DaemonTuning {
  capacity?: CapacityTuning
  contracts?: Pick<ContractsInit, 'sweepIntervalMs'> & Pick<NonNullable<ContractsInit['farmer']>, 'receiptPeriodMs'>
  flists?: Omit<FlistServiceInit, 'root'>
  twin?: TwinOptions
  /** Containers' root filesystems (default: the flist cache over this peer's flist exchange). */
  rootfs?: ContainerCapabilityInit['rootfs']
  /** A farmer that advertises and books contracts but runs no workloads, whatever it offers (the simulation's many farmers). */
  advertiseOnly?: boolean
}

/**
 * A farmer's workloads: volumes always; containers when its config offers them, their root
 * filesystems from a flist cache over this peer's flist exchange; zdb namespaces under
 * `<home>/zdb` when it offers zdb. Offering what this machine cannot enforce (volumes or
 * containers, whose sizes are loop-mounted images, without root; containers without a
 * container runtime) is refused at start, not at the first deployment.
 */
async function farmerExtensions (config: DaemonConfig, home: string, tuning: DaemonTuning): Promise<FarmerServices> {
  const drivers: DriverFactory[] = []
  const services: FarmerServices = {}
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
      rootfs: tuning.rootfs ?? (components => (components.flists as FlistService).cache({ root: join(home, 'flists', 'cache'), maxBytes: config.farmer.flistCacheBytes, ownerShift: hostIdOf(0) }))
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
  return { farmer: farmerService({ volumesRoot: join(home, 'volumes'), drivers }), ...services }
}

/**
 * What a daemon whose files live under `home` runs beside the core peer, given its config:
 * the capacity market, contracts, flists, on farmers the workloads, and the twin SDK, in the
 * order they are created (each finds those before it in its components).
 */
export async function daemonExtension (config: DaemonConfig, home: string, tuning: DaemonTuning = {}): Promise<PeerExtension<DaemonServices>> {
  const capacity = await capacityExtensionForHome(config, home, tuning.capacity)
  const { sweepIntervalMs, ...ledger } = tuning.contracts ?? {}
  const farmer = config.farmer.enabled ? { ...farmerContractsInit(config.farmer, config.farmer.price), ...ledger } : undefined
  return {
    ...capacity,
    services: {
      ...capacity.services,
      contracts: contractsService({ farmer, sweepIntervalMs }),
      // before the farmer: its container driver fetches root filesystems through it
      flists: flistService({ ...tuning.flists, root: join(home, 'flists') }),
      ...(config.farmer.enabled && tuning.advertiseOnly !== true ? await farmerExtensions(config, home, tuning) : {}),
      twin: twinService(tuning.twin)
    }
  }
}
