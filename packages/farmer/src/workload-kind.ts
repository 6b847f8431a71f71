import type { Metrics, PeerId } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import type { Resources } from '@p2pcloud/capacity'
import type { Contracts } from '@p2pcloud/contracts'
import type { WorkloadSpec } from './deployment-record.js'
import type { DriverFactory, DriverRegistry } from './drivers.js'
import type { Provisioner } from './provisioner.js'
import type { Entry, Located, SpecReader } from './spec-reader.js'

/** A workload as a spec describes it: its name, its type and its kind's own fields. */
export interface KindSpec {
  name: string
  type: string
}

/** One workload of a spec, with where it was written (for errors that point at it). */
export interface ReadWorkload<Spec extends KindSpec = KindSpec> {
  workload: Spec
  at: Located
}

/** What a kind's services get from the peer: the farmer's deployments, once it loaded them. */
export interface KindServiceComponents {
  /** This peer (a backend's farmer finds its containers' namespaces by it). */
  peerId: PeerId
  registrar: Registrar
  /** Services that open streams to other peers (the network relay, a gateway's tunnels). */
  connectionManager: Pick<ConnectionManager, 'openStream' | 'openConnection' | 'getConnections'>
  farmer?: { readonly provisioner?: Provisioner, readonly drivers?: Pick<DriverRegistry, 'get'> }
  /** The farmer's contracts (a gateway tunnel's proof is checked against its ledger). */
  contracts?: Pick<Contracts, 'ledger'>
  /** Farmers' adverts: the addresses of a farmer this peer holds no connection to. */
  capacity?: { readonly directory: { get: (peerId: string) => { advert: { addresses: string[] } } | undefined } }
  /** Where its protocol's request counts and latencies go (libp2p's metrics, when the peer keeps them). */
  metrics?: Metrics
}

/** The factories of a kind's services by service name, typed so a daemon's service map can be. */
export type KindServiceFactories<Services> = { [Name in keyof Services]: (components: KindServiceComponents) => Services[Name] }

/** What a farmer's config gives each kind it offers. */
export interface KindFarmerInit {
  /** The farmer's home: a kind keeps its workloads in a directory of its own under it. */
  home: string
  /** Bytes the flist cache may hold (the root filesystems of containers). */
  flistCacheBytes: number
}

/** A kind on a farmer: its driver, and the protocol services that reach its workloads. */
export interface KindOnFarmer<Services> {
  driver: DriverFactory
  /** They read components.farmer: add them after the farmer. */
  services: KindServiceFactories<Services>
}

/**
 * One workload type, whole: how a spec writes it (keys, rules and errors with line:column),
 * its data on the wire (protocols/deployment.md §5) and how a farmer checks it, the resources
 * it books, what a farmer must offer and have to run it, and the farmer's driver. The twin and
 * the farmer both read a workload through its kind, so they count and check it the same way.
 * Registered once, in @p2pcloud/workloads.
 */
export interface WorkloadKind<Spec extends KindSpec = KindSpec, Data = unknown, Services = Record<never, never>> {
  readonly type: Spec['type']
  /** What a farmer must offer (capacity's CAPABILITIES) to run it. */
  readonly capability: string
  /**
   * Set when a spec holding this kind needs farmers that offer its capability; of several such
   * kinds in one spec the lowest placement decides. Absent: every farmer runs it.
   */
  readonly placement?: number
  /** Lower first in a pass over a deployment, removals the other way round: volumes (0) before the containers (1) that mount them. */
  readonly applyOrder: number
  /** Its workloads' output can be read (`p2pcloud logs`). */
  readonly hasLogs?: boolean

  /** The keys of a workload of this kind in a spec, `name` and `type` among them. */
  readonly specKeys: readonly string[]
  /** The kind's own keys of one workload (`name` and `type` are read by the caller). */
  parseSpec: (reader: SpecReader, entries: Map<string, Entry>, at: Located, name: string) => Spec
  /** Rules across the spec, checked once every workload is read (a container's mounts name volumes of the spec). */
  checkSpec?: (reader: SpecReader, workloads: ReadWorkload[]) => void

  /** The workload's own message, as the farmer's driver reads it. */
  encode: (spec: Spec) => Uint8Array
  /** The message decoded and checked; throws ProtocolError BAD_REQUEST naming the workload. */
  decode: (workload: WorkloadSpec) => Data
  /** What it books from the contract. */
  resources: (data: Data) => Resources
  /**
   * What it books, from its spec, for a kind whose data the twin completes only when it deploys
   * (a gateway's backend contract): absent, it is counted from its data as the farmer counts it.
   */
  specResources?: (spec: Spec) => Resources

  /** Why this machine, with this config, cannot run it (to finish "offers …, but "), or undefined when it can. */
  missing?: (init?: KindFarmerInit) => Promise<string | undefined>
  /** Its driver and services on a farmer that offers it. Absent: the farmer runs it itself (volumes). */
  farmer?: (init: KindFarmerInit) => KindOnFarmer<Services>
}

/** What a driver reads from its kind; the kind builds the driver, so hands itself over rather than being imported. */
export type KindRules<Data> = Pick<WorkloadKind<KindSpec, Data>, 'type' | 'applyOrder' | 'decode' | 'resources'>
