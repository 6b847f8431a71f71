import type { Duplex } from 'node:stream'
import type { Metrics, PeerId } from '@libp2p/interface'
import type { AddressManager, Registrar } from '@libp2p/interface-internal'
import type { Datastore } from 'interface-datastore'
import type { Resources } from '@p2pcloud/capacity'
import type { Contracts } from '@p2pcloud/contracts'
import type { Deployment, WorkloadSpec } from './deployment-record.js'

/** Something a driver saw happen to a workload on its own, after it was applied: a container exited, was OOM-killed, came back. */
export interface WorkloadReport {
  contractId: string
  name: string
  state: 'ok' | 'error'
  /** In the farmer's words; shown to the twin as it is. */
  message: string
}

/**
 * Runs one type of workload. The provisioner calls it to converge on what a
 * deployment asks for; every method is idempotent, so a restart can simply
 * apply everything again. Errors thrown are shown to the twin as they are.
 */
export interface WorkloadDriver {
  readonly type: string
  /**
   * When its workloads come in a pass over a deployment: lower first,
   * whatever order the twin listed them in, and removals the other way round
   * (default 1). Volumes are 0: a container never runs before, nor outlives,
   * the volumes it mounts.
   */
  readonly applyOrder?: number
  /** What the workload needs from the contract; throws on data that makes no sense. */
  resources(workload: WorkloadSpec): Resources
  /**
   * Throws when the workload refers to something its deployment does not
   * hold (a container mounting anything but one of the deployment's
   * volumes). Absent: the workload refers to nothing else.
   */
  checkReferences?(workload: WorkloadSpec, deployment: Deployment): void
  /** Bring the workload to the state `workload` describes; `context` says whose deployment it is. */
  apply(contractId: string, workload: WorkloadSpec, context: ApplyContext): Promise<void>
  /** Remove the workload and everything it left on the node. */
  remove(contractId: string, name: string): Promise<void>
  /** Stop it but keep its data (the lease expired; a renewal applies it again). Absent: nothing runs to stop. */
  stop?(contractId: string, name: string): Promise<void>
  /**
   * Drivers whose workloads live on after `apply` (containers) get the
   * provisioner's `report` here, once, and call it whenever a workload's
   * state changes on its own.
   */
  attach?(report: (report: WorkloadReport) => void): void
  /** Bytes its running workloads hold on disk now, for the farmer's metrics. Absent: not measured. */
  heldBytes?(): number
  /**
   * What the workload reports now (a network's NetworkResult: its key, endpoints and current
   * paths), encoded; read whenever its status is answered (deploy, get, watch), so it is as
   * current as the driver's own view. Absent, or undefined: nothing to report.
   */
  result?(contractId: string, name: string): Uint8Array<ArrayBuffer> | undefined
  /**
   * The host pid of a process of the running workload whose network namespace is the workload's
   * own (a container's init), re-read on every call; undefined when it does not run. A backend's
   * farmer enters it to reach a container on no network at its loopback.
   */
  netnsPid?(contractId: string, name: string): Promise<number | undefined>
  /** Set by the driver of `network` workloads: how containers attach to its networks. */
  readonly networks?: NetworkAttachments
  /** The farmer is shutting down: stop what runs without forgetting it (a start applies it again). */
  close?(): Promise<void>
}

/** What a driver learns of the deployment beside the workload it applies. */
export interface ApplyContext {
  /** The twin whose deployment it is (checked against the contract when it was accepted). */
  twin: string
  /** The deployment as the twin signed it (a gateway shows it to a backend's farmer as its proof). */
  envelope: Uint8Array
}

export class UnsupportedWorkloadError extends Error {
  override name = 'UnsupportedWorkloadError'
}

/** The drivers of this farmer, by workload type. */
export class DriverRegistry {
  private readonly drivers = new Map<string, WorkloadDriver>()

  all (): WorkloadDriver[] {
    return [...this.drivers.values()]
  }

  register (driver: WorkloadDriver): this {
    this.drivers.set(driver.type, driver)
    return this
  }

  get (type: string): WorkloadDriver {
    const driver = this.drivers.get(type)
    if (driver == null) throw new UnsupportedWorkloadError(`workload type "${type}" is not supported by this farmer (it runs: ${[...this.drivers.keys()].join(', ')})`)
    return driver
  }

  /** The type's applyOrder; a type no driver runs fails in its own turn, which is the default's. */
  applyOrder (type: string): number {
    return this.drivers.get(type)?.applyOrder ?? 1
  }

  types (): string[] {
    return [...this.drivers.keys()]
  }

  /** The attachments of whichever driver runs networks, looked up when used (drivers register in any order). */
  networkAttachments (): NetworkAttachments {
    const of = (): NetworkAttachments => {
      const networks = this.all().find(driver => driver.networks != null)?.networks
      if (networks == null) throw new UnsupportedWorkloadError('this farmer runs no networks (it does not offer "network")')
      return networks
    }
    return {
      attach: async (...args) => await of().attach(...args),
      dial: async (...args) => await of().dial(...args),
      // nothing can be attached where no driver runs networks
      detach: async owner => { await this.all().find(driver => driver.networks != null)?.networks?.detach(owner) }
    }
  }
}

export interface FarmerComponents {
  /** This farmer (a network driver names itself among the members). */
  peerId: PeerId
  /** Its own addresses (a network driver's endpoints are their IPv4 hosts). */
  addressManager: Pick<AddressManager, 'getAddresses'>
  registrar: Registrar
  datastore: Datastore
  /** The contracts service: deployments run under its farmer's contracts. */
  contracts: Contracts
  /** Where its protocol's request counts and latencies go (libp2p's metrics, when the peer keeps them). */
  metrics?: Metrics
  /** Services added before this one (e.g. the flist exchange a container driver fetches from). */
  [service: string]: unknown
}

/** Where the farmer's volumes are mounted: containers mount them from there. */
export interface VolumePaths {
  path: (contractId: string, name: string) => string
}

/** An OCI hook: a command the container runtime runs with the container's state (JSON, with its `pid`) on stdin. */
export interface OciHook {
  path: string
  args: string[]
  env?: string[]
  /** Seconds. */
  timeout?: number
}

/**
 * A deployment's networks on this farmer, as containers use them: the driver that runs
 * `network` workloads offers it (WorkloadDriver.networks), so that the container driver
 * reaches it without either package importing the other.
 */
export interface NetworkAttachments {
  /**
   * Book `ip` in network workload `network` of contract `contractId` for `owner`, and say how
   * its container gets an interface there: a `createRuntime` hook, run each time the container's
   * own network namespace is made, before its process starts. Throws when the network does not
   * run here, or `ip` is taken by another owner (`ip … is taken by <owner>`).
   */
  attach(contractId: string, network: string, ip: string, owner: string): Promise<{ hook: OciHook }>
  /** Give back what `owner` holds, and its interface if its container still runs (idempotent). */
  detach(owner: string): Promise<void>
  /**
   * A TCP connection to `ip:port` made from inside network workload `network` of contract
   * `contractId` (a gateway that is a member reaches its backend over the overlay). Throws when
   * that network does not run here, `ip` is outside its range, or the connection fails.
   */
  dial(contractId: string, network: string, ip: string, port: number, signal: AbortSignal): Promise<Duplex>
}

/** Builds a workload driver from the peer's components; how other packages add workload types. */
export type DriverFactory = (components: FarmerComponents, volumes: VolumePaths, networks: NetworkAttachments) => WorkloadDriver
