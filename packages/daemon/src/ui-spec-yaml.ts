import { isDeepStrictEqual } from 'node:util'
import { ApiError } from '@p2pcloud/api'
import {
  attachContainer, containerNetworkKeys, networkWorkloadName, networkWorkloadsOf, parseDeploymentSpec, withNetworkWorkloads, type DeploymentSpec
} from '@p2pcloud/twin'
import { stringify } from 'yaml'

/**
 * The keys a parsed spec spells otherwise than its file. Named one by one, not by a case rule: an
 * env map's keys are the user's own (an env `readOnly` is renamed too, and then refused below).
 */
const FILE_KEYS: Record<string, string> = { readOnly: 'read-only', maxPrice: 'max-price' }
const fileKey = (key: string): string => FILE_KEYS[key] ?? key

function spelled (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(spelled)
  if (value == null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [fileKey(k), spelled(v)]))
}

function leaseText (ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) if (ms % size === 0) return `${ms / size}${unit}`
  return `${Math.round(ms / 1000)}s`
}

/** Compared as stored (JSON): a parsed spec's absent fields are undefined, a stored one's missing. */
function readsBackAs (text: string, spec: DeploymentSpec): boolean {
  const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value))
  try {
    return isDeepStrictEqual(json(parseDeploymentSpec(text, `${spec.name}.yaml`)), json(spec))
  } catch {
    return false
  }
}

/**
 * The spec as its user wrote it: without the `network` workloads the twin adds, each container
 * naming its network (`backend`, not the twin's `net-backend`) with the address it has, which an
 * update keeps.
 */
function asWritten (spec: DeploymentSpec): DeploymentSpec {
  const prefix = networkWorkloadName('').length
  const names = new Map(networkWorkloadsOf(spec.workloads).map(w => [w.name, w.name.slice(prefix)]))
  if (names.size === 0) return spec
  const workloads = withNetworkWorkloads(spec.workloads, []).map(w => {
    const keys = containerNetworkKeys(w)
    const network = keys?.network != null ? names.get(keys.network) : undefined
    return network != null && keys?.ip != null ? attachContainer(w, network, keys.ip) : w
  })
  return { ...spec, workloads }
}

/**
 * A deployment's spec written back as a spec file, for the page's update editor: sizes in bytes,
 * the lease in its largest whole unit. Only a text that parses back into the same spec is given
 * out, so that the editor never starts from something other than what is deployed (as written).
 */
export function specYaml (deployed: DeploymentSpec): string {
  const spec = asWritten(deployed)
  const where = Object.values(spec.where).some(v => v != null) ? { where: spec.where } : {}
  const text = stringify(spelled({ name: spec.name, ...where, lease: leaseText(spec.leaseMs), workloads: spec.workloads }))
  if (!readsBackAs(text, spec)) {
    throw new ApiError(409, 'SpecNotWritable', `the spec of "${spec.name}" does not read back the same when written as YAML; update it with p2pcloud update FILE`)
  }
  return text
}
