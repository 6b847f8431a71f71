import type { RecordKind } from './envelope.js'
import type { ProtocolLimits } from './rpc.js'

/** Names, records and limits of the deployment protocol (protocols/deployment.proto). */
export const DEPLOYMENT_PROTOCOL = '/p2pcloud/deployment/1.0.0'

export const DEPLOYMENT_RECORD: RecordKind = { domain: 'p2pcloud-deployment', payloadType: '/p2pcloud/deployment/deployment', maxBytes: 64 * 1024 }

/** Workload and deployment names, as ThreeFold has them. */
export const WORKLOAD_NAME = /^[a-z0-9_-]{1,36}$/
export const MAX_WORKLOADS = 64

/** How many user and group ids a container has (0…65535, deployment.md and flist.md): owners and users past them are refused. */
export const CONTAINER_IDS = 65_536

/**
 * Where a container mounts a volume: absolute, normal and not /. "//" is /, and
 * "/data/", "//data" or "/./data" would name a mount point other than the one
 * written (and two spellings of one path would pass the check that no path is
 * used twice).
 */
export function isMountPath (path: string): boolean {
  const [first, ...components] = path.split('/')
  return first === '' && components.length > 0 && components.every(c => c !== '' && c !== '.' && c !== '..')
}

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
