import type { capacityMessages } from '@p2pcloud/wire'

/** Amounts of each resource unit: CRU cores (in thousandths: 0.5 is half a core), MRU/SRU/HRU bytes, IPV4U addresses. */
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

/** Cores to the thousandth, so that sums of halves and tenths stay exact (0.1 + 0.2 is 0.3). */
export function milliCores (cores: number): number {
  // whole numbers as they are: thousandths of cores near 2^53 are beyond a double
  return Number.isInteger(cores) ? cores : Math.round(cores * 1000) / 1000
}

export function addResources (a: Resources, b: Resources): Resources {
  return { cru: milliCores(a.cru + b.cru), mru: a.mru + b.mru, sru: a.sru + b.sru, hru: a.hru + b.hru, ipv4u: a.ipv4u + b.ipv4u }
}

/** a − b, never below zero (free capacity cannot be negative even when a total shrinks). */
export function subtractResources (a: Resources, b: Resources): Resources {
  return {
    cru: Math.max(0, milliCores(a.cru - b.cru)),
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

/** Whole cores in `cru`, the thousandths beyond them in `cru_milli` (protocols/capacity.md §5.2). */
export function resourcesToWire (r: Resources): capacityMessages.Resources {
  const milli = Number.isInteger(r.cru) ? 0 : Math.round((r.cru - Math.floor(r.cru)) * 1000)
  return { cru: Math.floor(r.cru) + Math.floor(milli / 1000), mru: r.mru, sru: r.sru, hru: r.hru, ipv4u: r.ipv4u, cruMilli: milli % 1000 }
}

/** From the wire; a value beyond 2^53 is not a real machine and makes the advert invalid. */
export function resourcesFromWire (r: capacityMessages.Resources | undefined): Resources {
  const value = (unit: typeof RESOURCE_UNITS[number]): number => {
    const n = r?.[unit] ?? 0
    if (!Number.isSafeInteger(n)) throw new RangeError(`${unit} ${n} is out of range`)
    return n
  }
  const cruMilli = r?.cruMilli ?? 0
  if (cruMilli > 999) throw new RangeError(`cru_milli ${cruMilli} is above 999 (whole cores go in cru)`)
  return { cru: milliCores(value('cru') + cruMilli / 1000), mru: value('mru'), sru: value('sru'), hru: value('hru'), ipv4u: value('ipv4u') }
}
