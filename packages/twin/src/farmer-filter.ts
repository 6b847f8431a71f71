import type { FindFilter, Resources } from '@p2pcloud/capacity'
import { workloadKinds } from '@p2pcloud/workloads'
import type { DeploymentSpec } from './spec.js'
import { networksAsked } from './network-members.js'

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

/** Why no farmer matched, in people's words. */
export function noMatchMessage (spec: DeploymentSpec, need: Resources): string {
  const offering = spec.where.capability == null && neededCapability(spec) != null ? ` offering ${neededCapability(spec)}` : ''
  const free = Object.entries(need).filter(([, v]) => v > 0).map(([k, v]) => `${k}=${v}`).join(', ') || 'nothing'
  return `no farmer${offering} matches ${JSON.stringify(spec.where)} with free ${free}`
}
