/** The JSON views of the daemon's /v1 routes that the pages read (see packages/api/README.md). */

export interface Resources { cru: number, mru: number, sru: number, hru: number, ipv4u: number }

export interface Advert {
  peerId: string
  farm: string
  country: string
  city: string
  free: Resources
  total: Resources
  price: { currency: string, cuHour: number, suHour: number, ipv4Hour: number }
  capabilities: string[]
  /** A gateway farmer's domain: names under it are booked there. */
  gatewayDomain?: string
  addresses: string[]
  issuedAt: string
  expiresAt: string
  source?: string
}

export interface Status {
  peerId: string
  addresses: string[]
  version: string
  startedAt: string
  uptimeSeconds: number
  peers: number
  connections: number
  dht: { protocol: string, mode: string, routingTableSize: number }
  pubsub: { topics: string[], peers: number }
}

export interface Peer {
  peerId: string
  addresses: string[]
  connections: Array<{ remoteAddress: string, direction: string, status: string }>
  protocols: string[]
  agent?: string
}

export interface WorkloadStatus { name: string, type: string, version: number, state: string, message: string, changedAt: number }

export interface Deployment {
  name: string
  farmer: string
  contractId: string
  version: number
  createdAt: number
  state?: string
  spec: { workloads: Array<{ name: string, type: string, network?: string }>, leaseMs: number }
  status?: { workloads: WorkloadStatus[] }
  contract?: { state: string, leaseEnd: string }
  /** The farmer did not answer: what is shown is what the 3Bot knows. */
  unreachable?: { since: string, reason: string, lastAdvert?: string }
  /** Its gateway names, as their gateway reports them. */
  gateways?: GatewayView[]
}

/** A gateway name: where it is served (the gateway's word: untrusted) and whether its backend answered the gateway's last check. */
export interface GatewayView { name: string, url: string, backend: 'answers' | 'does not answer' | 'not checked yet', checkedAt?: string, detail?: string }

export interface Receipt {
  contractId: string
  seq: number
  periodStart: number
  periodEnd: number
  cuHoursMilli: number
  suHoursMilli: number
  currency: string
  amountMicro: number
}

export interface LogLine { at: number, stream: 'stdout' | 'stderr', data: string }

export interface SpecCheck {
  need: Resources
  /** The /v1/find query of the farmers a deploy would try, cheapest first; absent when the spec names its farmer. */
  find?: Record<string, string>
  /** Every capability the farmer must offer (containers in a network need `container` and `network`). */
  capabilities: string[]
}

export interface Contract {
  id: string
  twin: string
  farmer: string
  state: string
  resources: Resources
  pricePerHour: number
  currency: string
  leaseStart: string
  leaseEnd: string
  version: number
}

export interface NetworkPath { peerId: string, path: 'connecting' | 'direct' | 'relayed', endpoint?: string, latestHandshake?: number }

export interface NetworkMember {
  peerId: string
  kind: 'farmer' | 'machine'
  subnet: number
  publicKey?: string
  endpoints: string[]
  deployments: string[]
  /** `GET /v1/networks/:name` only: its /24 and its own address, and a farmer's paths read from it now (or why not). */
  cidr?: string
  address?: string
  paths?: NetworkPath[]
  error?: string
}

export interface Network { name: string, networkId: string, range: string, createdAt: number, members: NetworkMember[] }

/** A deployment a farmer holds, with each workload's state (`GET /v1/ui/farmer/workloads`). */
export interface FarmerDeployment { contractId: string, twin: string, name: string, version: number, deleting: boolean, workloads: WorkloadStatus[] }

/** The workload kinds this daemon deploys, and those named but not there yet (`GET /v1/ui/kinds`). */
export interface Kinds { kinds: Array<{ type: string, capability: string }>, planned: string[] }

export interface PoolMember { deployment: string, farmer: string, farm: string, country: string, contractId: string, leaseEnd?: number }

export interface StoragePool { name: string, dataShards: number, parityShards: number, namespaceBytes: number, leaseMs: number, createdAt: number, members: PoolMember[] }

/** A pool's use and health as its farmers report them now (`GET /v1/store/pools/:name`). */
export interface PoolUsage extends StoragePool {
  health: 'healthy' | 'degraded' | 'unreadable'
  usedBytes: number
  sizeBytes: number
  usage: Array<PoolMember & ({ health: 'ok', usedBytes: number, maxBytes: number, entries: number } | { health: 'unreachable', reason: string })>
}
