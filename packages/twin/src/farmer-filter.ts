import type { DirectoryEntry, FindFilter, Resources } from '@p2pcloud/capacity'
import { workloadKinds } from '@p2pcloud/workloads'
import type { DeploymentSpec } from './spec.js'
import { networksAsked } from './network-members.js'
import { refusals, resourceWords } from './resource-words.js'

/**
 * The capability farmers must offer: the spec's own, else the one its workloads' kinds ask for
 * ("container" when it runs containers: only farmers with a runtime can; else "zdb" when it holds
 * namespaces). One filter: a spec with both finds container farmers, and a farmer without zdb refuses it.
 */
export function neededCapability (spec: DeploymentSpec): string | undefined {
  return spec.where.capability ?? workloadKinds.placementCapability(typesOf(spec))
}

/** The workload types a spec deploys: its own, and `network` when its containers name networks (the twin adds those workloads). */
function typesOf (spec: DeploymentSpec): string[] {
  return [...spec.workloads.map(w => w.type), ...(networksAsked(spec).length > 0 ? ['network'] : [])]
}

/**
 * Every capability a farmer must offer to run the whole spec (containers in a network need
 * `container` and `network`): the directory is searched by one, the candidates then checked for all.
 */
export function neededCapabilities (spec: DeploymentSpec): string[] {
  const kinds = [...new Set(typesOf(spec))].map(type => workloadKinds.get(type)).filter(kind => kind?.placement !== undefined)
  return [...new Set([...kinds.map(kind => kind?.capability as string), ...(spec.where.capability != null ? [spec.where.capability] : [])])]
}

/** The farmers a spec can go to: its `where`, its capability, room for `need`; cheapest first. */
export function farmerFilter (spec: DeploymentSpec, need: Resources): FindFilter {
  return {
    country: spec.where.country,
    farm: spec.where.farm,
    capability: neededCapability(spec),
    maxPrice: spec.where.maxPrice,
    minFree: need,
    sort: 'price'
  }
}

/** How many farmers that came close a "no farmer matches" names, with why each was refused. */
export const CLOSEST_NAMED = 3

/**
 * Why no farmer matched, in people's words: what was asked (sizes in binary units), and the
 * farmers this peer knows that came closest (fewest reasons against them, cheapest first),
 * each with every reason it was refused.
 */
export function noMatchMessage (spec: DeploymentSpec, need: Resources, known: readonly DirectoryEntry[]): string {
  const wants = { country: spec.where.country, farm: spec.where.farm, capabilities: neededCapabilities(spec), maxPrice: spec.where.maxPrice, need }
  const asked = [
    ...(wants.capabilities.length > 0 ? [`offering ${wants.capabilities.join(' and ')}`] : []),
    ...(wants.country != null ? [`in ${wants.country}`] : []),
    ...(wants.farm != null ? [`of farm ${wants.farm}`] : []),
    ...(wants.maxPrice != null ? [`at most ${wants.maxPrice}/CU-hour`] : [])
  ]
  const head = `no farmer${asked.length > 0 ? ` ${asked.join(', ')}` : ''} has ${resourceWords(need)} free`
  if (known.length === 0) return `${head}; this peer knows no farmer yet (p2pcloud find asks the mesh)`
  const closest = known
    .map((entry, order) => ({ farmer: entry.advert, order, why: refusals(entry.advert, wants) }))
    .filter(c => c.why.length > 0)
    .sort((a, b) => a.why.length - b.why.length || a.order - b.order)
    .slice(0, CLOSEST_NAMED)
  return `${head}; closest of the ${known.length} farmer(s) this peer knows: ${closest.map(c => `${c.farmer.peerId} (farm ${c.farmer.farm}, ${c.farmer.country}): ${c.why.join(', ')}`).join('; ')}`
}
