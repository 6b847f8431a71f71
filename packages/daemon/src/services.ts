import { join } from 'node:path'
import { capacityExtensionForHome, type CapacityMarket, type CapacityTuning } from '@p2pcloud/capacity'
import { contractsService, farmerContractsInit, type Contracts, type ContractsInit } from '@p2pcloud/contracts'
import { farmerService, type DriverFactory, type Farmer, type KindServiceFactories } from '@p2pcloud/farmer'
import { flistService, type FlistService, type FlistServiceInit } from '@p2pcloud/flist'
import { ConfigError, type HomePeer, type P2PCloudLibp2p, type PeerExtension, type ServiceFactories } from '@p2pcloud/node'
import { DEFAULT_GATEWAY_LISTEN, LETS_ENCRYPT_DIRECTORY, type GatewayFarmerInit, type GatewaySettings } from '@p2pcloud/gateway'
import { egressMissing, machineNetworks, type MachineNetworks, type NetworkFarmerInit } from '@p2pcloud/network'
import type { ContainerCapabilityInit, ContainerFarmerInit } from '@p2pcloud/runtime'
import type { Registry } from 'prom-client'
import { twinService, type Twin, type TwinOptions } from '@p2pcloud/twin'
import { workloadKinds, type KindServices } from '@p2pcloud/workloads'
import type { DaemonConfig } from './config.js'

/**
 * What a daemon runs beside the core peer; a farmer's services only on farmers, and of those
 * the workload kinds' (containers' logs and exec, the zdb protocol) only for what it offers.
 */
export interface DaemonServices extends Partial<KindServices> {
  capacity: CapacityMarket
  contracts: Contracts
  flists: FlistService
  farmer?: Farmer
  machineNetworks: MachineNetworks
  twin: Twin
}

/** A peer running what a daemon runs. */
export type DaemonLibp2p = P2PCloudLibp2p<DaemonServices>

/** A daemon's peer, started from its home, with its services typed. */
export type DaemonPeer = HomePeer<DaemonConfig, DaemonServices>

/** The factories of what the farmer side adds. */
type FarmerServices = Pick<ServiceFactories<DaemonServices>, 'farmer' | keyof KindServices>

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
  /** Networks' shorter timers and a chosen WireGuard (the defaults: every 5 s, minutes to retry direct, the kernel's where it has one). */
  network?: Omit<NonNullable<NetworkFarmerInit['network']>, 'ports' | 'egress'>
  /** How often a gateway checks its names' backends (default 30 s). */
  gateway?: Pick<GatewaySettings, 'probeIntervalMs'>
  /** A farmer that advertises and books contracts but runs no workloads, whatever it offers (the simulation's many farmers). */
  advertiseOnly?: boolean
  /** The Prometheus registry libp2p and the services report into (startDaemon's; default: no metrics). */
  metrics?: Registry
}

/** A gateway's settings where config.json has no `farmer.gateway`. */
const gatewayDefaults = { ...DEFAULT_GATEWAY_LISTEN, acme: { directoryUrl: LETS_ENCRYPT_DIRECTORY } }

/**
 * A farmer's workloads: volumes always, and each kind whose capability its config offers, with
 * its driver and services (containers: root filesystems from a flist cache over this peer's flist
 * exchange, unless tuning gives another source; zdb namespaces under `<home>/zdb`). Offering what
 * this machine cannot run (volumes or containers, whose sizes are loop-mounted images, without
 * root; containers without a container runtime) is refused at start, not at the first deployment.
 */
async function farmerExtensions (config: DaemonConfig, home: string, tuning: DaemonTuning): Promise<FarmerServices> {
  const drivers: DriverFactory[] = []
  const services: KindServiceFactories<Partial<KindServices>> = {}
  const init: ContainerFarmerInit & NetworkFarmerInit & GatewayFarmerInit = {
    home,
    flistCacheBytes: config.farmer.flistCacheBytes,
    rootfs: tuning.rootfs,
    network: { ...tuning.network, ports: config.farmer.network?.ports, egress: config.farmer.network?.egress },
    gateway: { ...gatewayDefaults, ...config.farmer.gateway, domain: config.farmer.gatewayDomain, ...tuning.gateway }
  }
  if (config.farmer.network?.egress === true) {
    const missing = await egressMissing()
    if (missing !== undefined) throw new ConfigError(`farmer.network.egress is on, but ${missing}`)
  }
  for (const kind of workloadKinds.offeredBy(config.farmer.capabilities)) {
    const missing = await kind.missing?.(init)
    if (missing !== undefined) throw new ConfigError(`farmer.capabilities offers "${kind.capability}", but ${missing}`)
    const onFarmer = kind.farmer?.(init)
    if (onFarmer == null) continue
    drivers.push(onFarmer.driver)
    Object.assign(services, onFarmer.services)
  }
  // the kinds' services read components.farmer: they come after the farmer
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
  const farmerExtension = config.farmer.enabled && tuning.advertiseOnly !== true ? await farmerExtensions(config, home, tuning) : {}
  const { hostNetns: _hostNetns, ...networkTuning } = tuning.network ?? {}
  return {
    ...capacity,
    metrics: tuning.metrics,
    services: {
      ...capacity.services,
      contracts: contractsService({ farmer, sweepIntervalMs }),
      // before the farmer: its container driver fetches root filesystems through it
      flists: flistService({ ...tuning.flists, root: join(home, 'flists') }),
      ...farmerExtension,
      // this machine's part of networks it joins live; a farmer of networks has the relay handler already (one per peer)
      machineNetworks: machineNetworks({
        ...networkTuning,
        root: join(home, 'joined-networks'),
        ...('networkRelay' in farmerExtension ? { unavailable: 'this daemon is a farmer offering "network", whose relay serves its farmer\'s networks; join with --wg-config FILE' } : {})
      }),
      twin: twinService(tuning.twin)
    }
  }
}
