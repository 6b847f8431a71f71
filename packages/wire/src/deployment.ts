import type { RecordKind } from './envelope.js'
import type { ProtocolLimits } from './rpc.js'

/** Names, records and limits of the deployment protocol (protocols/deployment.proto). 1.1.0 added private networks. */
export const DEPLOYMENT_PROTOCOL = '/p2pcloud/deployment/1.1.0'
/** What a 1.1.0 peer still speaks: 1.0.0 has no network type, container network or workload result, and those fields are simply absent. */
export const DEPLOYMENT_COMPATIBLE = ['/p2pcloud/deployment/1.0.0'] as const

export const DEPLOYMENT_RECORD: RecordKind = { domain: 'p2pcloud-deployment', payloadType: '/p2pcloud/deployment/deployment', maxBytes: 64 * 1024 }

/** How many user and group ids a container has (0…65535, deployment.md and flist.md): owners and users past them are refused. */
export const CONTAINER_IDS = 65_536

export const DeploymentErrorCodes = {
  INVALID_SIGNATURE: 'INVALID_SIGNATURE',
  CONTRACT_NOT_ACTIVE: 'CONTRACT_NOT_ACTIVE',
  DOES_NOT_FIT: 'DOES_NOT_FIT',
  STALE_VERSION: 'STALE_VERSION',
  UNSUPPORTED_WORKLOAD: 'UNSUPPORTED_WORKLOAD'
} as const

export const DEPLOYMENT_LIMITS: ProtocolLimits = {
  maxRequestBytes: DEPLOYMENT_RECORD.maxBytes + 256,
  maxResponseBytes: 64 * 1024,
  maxInboundStreams: 32,
  maxOutboundStreams: 64,
  ratePerSecond: 20,
  burst: 40,
  timeoutMs: 10_000
}
