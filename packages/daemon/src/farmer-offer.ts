import type { Resources } from '@p2pcloud/capacity'
import { workloadKinds } from '@p2pcloud/workloads'

/** A workload kind a farmer does not offer, and why: what this machine lacks, or that config.json does not list it. */
export interface NotOffered {
  capability: string
  reason: string
}

/** What a farmer offers of the workload kinds, and for each kind it does not, why not. */
export interface FarmerOffer {
  offers: string[]
  notOffered: NotOffered[]
  /** At start: the totals it advertises and how each was measured (the disk: SSD or HDD, and why). */
  capacity?: { total: Resources, sources?: Record<keyof Resources, string> }
}

/**
 * Why this machine cannot run each kind (its `missing()`, less the advice to remove it from the
 * config, which is for a farmer that offers it), by capability; kinds it can run are absent.
 */
async function kindsMissing (): Promise<Map<string, string>> {
  const reasons = await Promise.all(workloadKinds.all.map(async kind => [kind.capability, await kind.missing?.()] as const))
  return new Map(reasons.flatMap(([capability, reason]) => reason === undefined ? [] : [[capability, reason.replace(/,? or remove "[a-z-]+"$/, '')] as const]))
}

/** Each capability once (gateway-name and gateway-fqdn are both `gateway`). */
const capabilities = (): string[] => [...new Set(workloadKinds.all.map(kind => kind.capability))]

/** The kinds this machine can run now: what `init --farmer` offers unless told otherwise. */
export async function machineCapabilities (): Promise<string[]> {
  const missing = await kindsMissing()
  return capabilities().filter(capability => !missing.has(capability))
}

/** What a farmer whose config lists `capabilities` offers, and why it offers none of the other kinds. */
export async function farmerOffer (offered: readonly string[]): Promise<FarmerOffer> {
  const missing = await kindsMissing()
  const notOffered = capabilities()
    .filter(capability => !offered.includes(capability))
    .map(capability => ({ capability, reason: missing.get(capability) ?? `not in farmer.capabilities (p2pcloud config set farmer.capabilities ${[...offered, capability].join(',')})` }))
  return { offers: [...offered], notOffered }
}
