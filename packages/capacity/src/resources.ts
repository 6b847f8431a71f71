import type { capacityMessages } from '@p2pcloud/wire'

/** Amounts of each resource unit: CRU cores, MRU/SRU/HRU bytes, IPV4U addresses. */
export interface Resources {
  cru: number
  mru: number
  sru: number
  hru: number
  ipv4u: number
}

export const RESOURCE_UNITS = ['cru', 'mru', 'sru', 'hru', 'ipv4u'] as const

export function emptyResources (): Resources {
  return { cru: 0, mru: 0, sru: 0, hru: 0, ipv4u: 0 }
}

export function addResources (a: Resources, b: Resources): Resources {
  return { cru: a.cru + b.cru, mru: a.mru + b.mru, sru: a.sru + b.sru, hru: a.hru + b.hru, ipv4u: a.ipv4u + b.ipv4u }
}

/** a − b, never below zero (free capacity cannot be negative even when a total shrinks). */
export function subtractResources (a: Resources, b: Resources): Resources {
  return {
    cru: Math.max(0, a.cru - b.cru),
    mru: Math.max(0, a.mru - b.mru),
    sru: Math.max(0, a.sru - b.sru),
    hru: Math.max(0, a.hru - b.hru),
    ipv4u: Math.max(0, a.ipv4u - b.ipv4u)
  }
}

/** The units where `want` is more than `have`; empty when it fits. */
export function shortfall (have: Resources, want: Resources): Array<typeof RESOURCE_UNITS[number]> {
  return RESOURCE_UNITS.filter(unit => want[unit] > have[unit])
}

export function resourcesToWire (r: Resources): capacityMessages.Resources {
  return { cru: r.cru, mru: r.mru, sru: r.sru, hru: r.hru, ipv4u: r.ipv4u }
}

/** From the wire; a value beyond 2^53 is not a real machine and makes the advert invalid. */
export function resourcesFromWire (r: capacityMessages.Resources | undefined): Resources {
  const value = (unit: typeof RESOURCE_UNITS[number]): number => {
    const n = r?.[unit] ?? 0
    if (!Number.isSafeInteger(n)) throw new RangeError(`${unit} ${n} is out of range`)
    return n
  }
  return { cru: value('cru'), mru: value('mru'), sru: value('sru'), hru: value('hru'), ipv4u: value('ipv4u') }
}
