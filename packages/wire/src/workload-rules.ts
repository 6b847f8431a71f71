/**
 * The rules a workload's data must keep, enforced by both sides: the twin's spec parser
 * (errors with line:column) and the farmer's decoding (BAD_REQUEST), so written once here.
 * protocols/deployment.md §5 states them. The lease bounds are in contract.ts, zdb's in zdb.ts.
 */

/** Workload and deployment names, as ThreeFold has them. */
export const WORKLOAD_NAME = /^[a-z0-9_-]{1,36}$/
export const MAX_WORKLOADS = 64

/** Smallest volume (VolumeData.size). */
export const MIN_VOLUME_SIZE = 2 ** 20

/** Smallest memory (ContainerData.mru) and writable root layer (ContainerData.rootfs_size) of a container. */
export const MIN_CONTAINER_MEMORY = 16 * 2 ** 20
export const MIN_CONTAINER_ROOTFS = 16 * 2 ** 20
/**
 * Memory (MRU) one gateway name books on its gateway: its route and the connections it may hold
 * open. Something must be booked (a contract for nothing is refused), and it gives names a price.
 */
export const GATEWAY_NAME_MRU = 16 * 2 ** 20

/** Most cores a spec may give one container. */
export const MAX_CONTAINER_CPU = 256
/** A container's least cores: 1 ms of CPU per 100 ms period, the kernel's least CFS quota. */
export const MIN_CONTAINER_CPU = 0.01

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

/** Other members one network workload lists at most: a /16 holds 254 member /24s. */
export const MAX_NETWORK_MEMBERS = 253
