import { peerIdFromString } from '@libp2p/peer-id'
import { CAPABILITY_NAME, COUNTRY_CODE, FARM_NAME } from '@p2pcloud/capacity'
import { formatSize, parseSize } from '@p2pcloud/node'
import { parseDuration } from './duration.js'
import { SpecReader, type Entry, type Located } from './spec-reader.js'
import { CONTAINER_KEYS, checkMounts, parseContainer, type ContainerWorkloadSpec } from './container-spec.js'
import { ZDB_KEYS, parseZdb, type ZdbWorkloadSpec } from './zdb-spec.js'

export { SpecError } from './spec-error.js'
export { formatDuration, InvalidDurationError, parseDuration } from './duration.js'
export * from './container-spec.js'
export * from './zdb-spec.js'

/** One deployment as a spec file describes it, validated and in plain units. */
export interface DeploymentSpec {
  name: string
  /** How to choose the farmer: one farmer by peer id, or filters as in `p2pcloud find`. */
  where: {
    farmer?: string
    country?: string
    farm?: string
    capability?: string
    /** The highest acceptable price of one CU-hour. */
    maxPrice?: number
  }
  leaseMs: number
  workloads: WorkloadSpec[]
}

export type WorkloadSpec = VolumeWorkloadSpec | ContainerWorkloadSpec | ZdbWorkloadSpec

export interface VolumeWorkloadSpec {
  name: string
  type: 'volume'
  /** Bytes. */
  size: number
}

/** What a deployment needs from a farmer, in capacity units (same shape as the capacity package's Resources). */
export interface SpecResources {
  cru: number
  mru: number
  sru: number
  hru: number
  ipv4u: number
}

/** Deployment and workload names: ThreeFold's rule, so names stay valid as paths and hostnames. */
export const SPEC_NAME = /^[a-z0-9_-]{1,36}$/
export const MIN_LEASE = '1m'
export const MAX_LEASE = '366d'
export const MAX_WORKLOADS = 64
export const MIN_VOLUME_SIZE = 2 ** 20
export const WORKLOAD_TYPES = ['volume', 'container', 'zdb'] as const
/** Types the design names but no farmer runs yet: refused as "not supported yet", not as typos. */
export const PLANNED_WORKLOAD_TYPES = ['network', 'gateway-name'] as const


const SPEC_KEYS = ['name', 'where', 'lease', 'workloads']
const WHERE_KEYS = ['farmer', 'country', 'farm', 'capability', 'max-price']
const VOLUME_KEYS = ['name', 'type', 'size']

/**
 * Parse and validate a deployment spec (YAML). Throws a SpecError naming the field, line and
 * column of the first problem; `source` (the file name) starts every message.
 */
export function parseDeploymentSpec (text: string, source = 'spec'): DeploymentSpec {
  const reader = new SpecReader(text, source)
  const root = reader.root()
  if (reader.isEmpty(root)) reader.fail(root, 'the spec is empty; it needs name, lease and workloads')
  const entries = reader.mapping(root, SPEC_KEYS, 'a spec')
  const name = checkName(reader, reader.required(entries, 'name', root, 'a spec needs a name such as my-app'))
  const whereAt = present(reader, entries, 'where')
  const where = whereAt == null ? {} : parseWhere(reader, whereAt)
  const leaseMs = parseLease(reader, reader.required(entries, 'lease', root, 'write how long to rent for, e.g. lease: 24h'))
  const workloads = parseWorkloads(reader, reader.required(entries, 'workloads', root, 'a spec needs at least one workload'))
  return { name, where, leaseMs, workloads }
}

/** What the deployment needs: volumes and container root layers count against SSD (SRU), containers' cores and memory against CRU and MRU, zdb namespaces against HDD (HRU). */
export function specResources (spec: DeploymentSpec): SpecResources {
  const need: SpecResources = { cru: 0, mru: 0, sru: 0, hru: 0, ipv4u: 0 }
  for (const workload of spec.workloads) {
    if (workload.type === 'volume') {
      need.sru += workload.size
    } else if (workload.type === 'zdb') {
      need.hru += workload.size
    } else {
      need.cru += workload.cpu
      need.mru += workload.memory
      need.sru += workload.rootfs
    }
  }
  return need
}

function checkName (reader: SpecReader, at: Located): string {
  const name = reader.text(at)
  if (!SPEC_NAME.test(name)) reader.fail(at, `"${name}" is not a valid name; use 1 to 36 of a-z, 0-9, _ and -`)
  return name
}

function parseWhere (reader: SpecReader, at: Located): DeploymentSpec['where'] {
  const entries = reader.mapping(at, WHERE_KEYS, 'where')
  const where: DeploymentSpec['where'] = {}
  const farmer = present(reader, entries, 'farmer')
  if (farmer != null) {
    // a named farmer is the whole choice; filters beside it would be silently ignored or contradict it
    const filter = [...entries.values()].find(entry => entry !== farmer && !reader.isEmpty(entry))
    if (filter != null) reader.fail(filter, 'cannot be combined with where.farmer; name one farmer or give filters, not both')
    where.farmer = peerId(reader, farmer)
  }
  const country = present(reader, entries, 'country')
  if (country != null) {
    const code = reader.text(country).toUpperCase()
    if (!COUNTRY_CODE.test(code)) reader.fail(country, `"${reader.text(country)}" is not a two-letter ISO 3166 country code such as BE`)
    where.country = code
  }
  const farm = present(reader, entries, 'farm')
  if (farm != null) {
    where.farm = reader.text(farm)
    if (!FARM_NAME.test(where.farm)) reader.fail(farm, `"${where.farm}" is not a farm name; use up to 64 of a-z, A-Z, 0-9, _, . and -, starting with a letter or digit`)
  }
  const capability = present(reader, entries, 'capability')
  if (capability != null) {
    where.capability = reader.text(capability)
    if (!CAPABILITY_NAME.test(where.capability)) reader.fail(capability, `"${where.capability}" is not a capability name such as volume or gateway`)
  }
  const maxPrice = present(reader, entries, 'max-price')
  if (maxPrice != null) {
    const price = reader.number(maxPrice)
    if (!Number.isFinite(price) || price < 0) reader.fail(maxPrice, `must be a number ≥ 0 (the price of one CU-hour), not ${price}`)
    where.maxPrice = price
  }
  return where
}

/** An optional entry; `key:` with no value counts as absent. */
function present (reader: SpecReader, entries: Map<string, Entry>, key: string): Entry | undefined {
  const entry = entries.get(key)
  return entry == null || reader.isEmpty(entry) ? undefined : entry
}

function peerId (reader: SpecReader, at: Located): string {
  const text = reader.text(at)
  try {
    return peerIdFromString(text).toString()
  } catch {
    reader.fail(at, `"${text}" is not a peer id; copy the farmer's id (12D3KooW…) from p2pcloud find`)
  }
}

function parseLease (reader: SpecReader, at: Located): number {
  const value = reader.scalar(at)
  if (typeof value === 'number') reader.fail(at, `${value} has no unit; write e.g. 90s, 30m, 24h or 7d`)
  let ms: number
  try {
    ms = parseDuration(value)
  } catch (err: any) {
    reader.fail(at, err.message)
  }
  if (ms < parseDuration(MIN_LEASE)) reader.fail(at, `${value} is shorter than the shortest lease, ${MIN_LEASE}`)
  if (ms > parseDuration(MAX_LEASE)) reader.fail(at, `${value} is longer than the longest lease, ${MAX_LEASE}`)
  return ms
}

function parseWorkloads (reader: SpecReader, at: Located): WorkloadSpec[] {
  const items = reader.sequence(at)
  if (items.length === 0) reader.fail(at, 'no workloads; a spec needs at least one')
  if (items.length > MAX_WORKLOADS) reader.fail(items[MAX_WORKLOADS], `${items.length} workloads; a deployment holds at most ${MAX_WORKLOADS}`)
  const seen = new Map<string, string>()
  const volumes = new Set<string>()
  const containers: Array<{ workload: ContainerWorkloadSpec, at: Located }> = []
  let total = 0
  const workloads = items.map(item => {
    const { workload, nameAt } = parseWorkload(reader, item)
    const first = seen.get(workload.name)
    if (first != null) reader.fail(nameAt, `"${workload.name}" is also the name of ${first}; workload names must be unique`)
    seen.set(workload.name, item.field)
    if (workload.type === 'volume') volumes.add(workload.name)
    else if (workload.type === 'container') containers.push({ workload, at: item })
    total += workload.type === 'container' ? workload.memory + workload.rootfs : workload.size
    if (!Number.isSafeInteger(total)) reader.fail(item, 'the workloads add up to more bytes than can be counted exactly')
    return workload
  })
  checkMounts(reader, containers, volumes)
  return workloads
}

function parseWorkload (reader: SpecReader, at: Located): { workload: WorkloadSpec, nameAt: Located } {
  const entries = reader.mapping(at)
  // the type decides which keys are valid, so it is checked before unknown keys (but a typo of "type" is still a typo)
  if (!entries.has('type')) reader.onlyKeys(entries, VOLUME_KEYS, 'a volume workload')
  const typeAt = reader.required(entries, 'type', at, `write the workload's type, e.g. type: volume`)
  const type = reader.text(typeAt)
  if ((PLANNED_WORKLOAD_TYPES as readonly string[]).includes(type)) reader.fail(typeAt, `workload type ${type} is not supported yet`)
  if (!(WORKLOAD_TYPES as readonly string[]).includes(type)) reader.fail(typeAt, `"${type}" is not a workload type; known: ${[...WORKLOAD_TYPES, ...PLANNED_WORKLOAD_TYPES].join(', ')}`)
  reader.onlyKeys(entries, type === 'container' ? CONTAINER_KEYS : type === 'zdb' ? ZDB_KEYS : VOLUME_KEYS, `a ${type} workload`)
  const nameAt = reader.required(entries, 'name', at, 'every workload needs a name such as data')
  const name = checkName(reader, nameAt)
  if (type === 'container') return { workload: parseContainer(reader, entries, at, name), nameAt }
  if (type === 'zdb') return { workload: parseZdb(reader, entries, at, name), nameAt }
  const sizeAt = reader.required(entries, 'size', at, 'a volume needs a size such as 10G')
  let size: number
  try {
    size = parseSize(reader.scalar(sizeAt))
  } catch (err: any) {
    reader.fail(sizeAt, err.message)
  }
  if (size < MIN_VOLUME_SIZE) reader.fail(sizeAt, `${formatSize(size)} is smaller than the smallest volume, ${formatSize(MIN_VOLUME_SIZE)}`)
  return { workload: { name, type: 'volume', size }, nameAt }
}
