import { peerIdFromString } from '@libp2p/peer-id'
import { CAPABILITY_NAME, COUNTRY_CODE, FARM_NAME, addResources, emptyResources } from '@p2pcloud/capacity'
import { SpecReader, type Located, type ReadWorkload } from '@p2pcloud/farmer'
import { MAX_LEASE_MS, MAX_WORKLOADS, MIN_LEASE_MS, WORKLOAD_NAME } from '@p2pcloud/wire'
import { workloadKinds, type AnyWorkloadSpec } from '@p2pcloud/workloads'
import { formatDuration, parseDuration } from './duration.js'
import { withoutNetworkKeys } from './network-fields.js'

export { SpecError, type VolumeWorkloadSpec } from '@p2pcloud/farmer'
export { RESTART_POLICIES, type ContainerWorkloadSpec, type RestartPolicy } from '@p2pcloud/runtime'
export type { ZdbWorkloadSpec } from '@p2pcloud/zdb'
export { formatDuration, InvalidDurationError, parseDuration } from './duration.js'

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

/** One workload of a spec, of any registered kind (@p2pcloud/workloads). */
export type WorkloadSpec = AnyWorkloadSpec

/** What a deployment needs from a farmer, in capacity units (same shape as the capacity package's Resources). */
export interface SpecResources {
  cru: number
  mru: number
  sru: number
  hru: number
  ipv4u: number
}

/** Deployment and workload names (and pool names): the wire's rule, so names stay valid as paths and hostnames. */
export const SPEC_NAME = WORKLOAD_NAME

const SPEC_KEYS = ['name', 'where', 'lease', 'workloads']
const WHERE_KEYS = ['farmer', 'country', 'farm', 'capability', 'max-price']

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
  const whereAt = reader.optional(entries, 'where')
  const where = whereAt == null ? {} : parseWhere(reader, whereAt)
  const leaseMs = parseLease(reader, reader.required(entries, 'lease', root, 'write how long to rent for, e.g. lease: 24h'))
  const workloads = parseWorkloads(reader, reader.required(entries, 'workloads', root, 'a spec needs at least one workload'))
  return { name, where, leaseMs, workloads }
}

/** What the deployment needs: the sum of what each workload books, counted from its data as the farmer counts it. */
export function specResources (spec: DeploymentSpec): SpecResources {
  return spec.workloads.reduce((need, workload) => addResources(need, workloadKinds.resources(withoutNetworkKeys(workload))), emptyResources())
}

function checkName (reader: SpecReader, at: Located): string {
  const name = reader.text(at)
  if (!WORKLOAD_NAME.test(name)) reader.fail(at, `"${name}" is not a valid name; use 1 to 36 of a-z, 0-9, _ and -`)
  return name
}

function parseWhere (reader: SpecReader, at: Located): DeploymentSpec['where'] {
  const entries = reader.mapping(at, WHERE_KEYS, 'where')
  const where: DeploymentSpec['where'] = {}
  const farmer = reader.optional(entries, 'farmer')
  if (farmer != null) {
    // a named farmer is the whole choice; filters beside it would be silently ignored or contradict it
    const filter = [...entries.values()].find(entry => entry !== farmer && !reader.isEmpty(entry))
    if (filter != null) reader.fail(filter, 'cannot be combined with where.farmer; name one farmer or give filters, not both')
    where.farmer = peerId(reader, farmer)
  }
  const country = reader.optional(entries, 'country')
  if (country != null) {
    const code = reader.text(country).toUpperCase()
    if (!COUNTRY_CODE.test(code)) reader.fail(country, `"${reader.text(country)}" is not a two-letter ISO 3166 country code such as BE`)
    where.country = code
  }
  const farm = reader.optional(entries, 'farm')
  if (farm != null) {
    where.farm = reader.text(farm)
    if (!FARM_NAME.test(where.farm)) reader.fail(farm, `"${where.farm}" is not a farm name; use up to 64 of a-z, A-Z, 0-9, _, . and -, starting with a letter or digit`)
  }
  const capability = reader.optional(entries, 'capability')
  if (capability != null) {
    where.capability = reader.text(capability)
    if (!CAPABILITY_NAME.test(where.capability)) reader.fail(capability, `"${where.capability}" is not a capability name such as volume or gateway`)
  }
  const maxPrice = reader.optional(entries, 'max-price')
  if (maxPrice != null) {
    const price = reader.number(maxPrice)
    if (!Number.isFinite(price) || price < 0) reader.fail(maxPrice, `must be a number ≥ 0 (the price of one CU-hour), not ${price}`)
    where.maxPrice = price
  }
  return where
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
  if (ms < MIN_LEASE_MS) reader.fail(at, `${value} is shorter than the shortest lease, ${formatDuration(MIN_LEASE_MS)}`)
  if (ms > MAX_LEASE_MS) reader.fail(at, `${value} is longer than the longest lease, ${formatDuration(MAX_LEASE_MS)}`)
  return ms
}

function parseWorkloads (reader: SpecReader, at: Located): WorkloadSpec[] {
  const items = reader.sequence(at)
  if (items.length === 0) reader.fail(at, 'no workloads; a spec needs at least one')
  if (items.length > MAX_WORKLOADS) reader.fail(items[MAX_WORKLOADS], `${items.length} workloads; a deployment holds at most ${MAX_WORKLOADS}`)
  const seen = new Map<string, string>()
  const read: Array<ReadWorkload<WorkloadSpec>> = items.map(item => {
    const { workload, nameAt } = parseWorkload(reader, item)
    const first = seen.get(workload.name)
    if (first != null) reader.fail(nameAt, `"${workload.name}" is also the name of ${first}; workload names must be unique`)
    seen.set(workload.name, item.field)
    return { workload, at: item }
  })
  for (const kind of workloadKinds.all) kind.checkSpec?.(reader, read)
  // counted from each workload's data, which its kind's checks above made sure decodes
  let total = 0
  for (const { workload, at } of read) {
    const { mru, sru, hru } = workloadKinds.resources(withoutNetworkKeys(workload))
    total += mru + sru + hru
    if (!Number.isSafeInteger(total)) reader.fail(at, 'the workloads add up to more bytes than can be counted exactly')
  }
  return read.map(({ workload }) => workload)
}

function parseWorkload (reader: SpecReader, at: Located): { workload: WorkloadSpec, nameAt: Located } {
  const entries = reader.mapping(at)
  // the type decides which keys are valid, so it is checked before unknown keys (but a typo of "type" is still a typo)
  if (!entries.has('type')) reader.onlyKeys(entries, workloadKinds.specKeys(), 'a workload')
  const typeAt = reader.required(entries, 'type', at, `write the workload's type, e.g. type: volume`)
  const type = reader.text(typeAt)
  if (workloadKinds.isPlanned(type)) reader.fail(typeAt, `workload type ${type} is not supported yet`)
  const kind = workloadKinds.get(type)
  if (kind == null) reader.fail(typeAt, `"${type}" is not a workload type; known: ${[...workloadKinds.types(), ...workloadKinds.planned].join(', ')}`)
  reader.onlyKeys(entries, kind.specKeys, `a ${type} workload`)
  const nameAt = reader.required(entries, 'name', at, 'every workload needs a name such as data')
  return { workload: kind.parseSpec(reader, entries, at, checkName(reader, nameAt)), nameAt }
}
