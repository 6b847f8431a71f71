import { RESOURCE_UNITS, type Advert, type Resources } from '@p2pcloud/capacity'
import { formatSize } from '@p2pcloud/node'

type Unit = typeof RESOURCE_UNITS[number]

const NAMES: Record<Unit, string> = { cru: 'core(s)', mru: 'RAM', sru: 'SSD', hru: 'HDD', ipv4u: 'public IPv4' }

/** One amount as people read it: "2 core(s)", "8 GiB SSD". */
function amount (unit: Unit, value: number): string {
  return unit === 'cru' || unit === 'ipv4u' ? `${value} ${NAMES[unit]}` : `${formatSize(value)} ${NAMES[unit]}`
}

/** The units asked for, as people read them ("1 core(s), 8 GiB SSD"), or "nothing". */
export function resourceWords (r: Partial<Resources>): string {
  return RESOURCE_UNITS.filter(unit => (r[unit] ?? 0) > 0).map(unit => amount(unit, r[unit] ?? 0)).join(', ') || 'nothing'
}

/** What `have` lacks of `need`, per unit: "8 GiB SSD needed, 4 GiB free"; empty when it fits. */
export function shortWords (have: Resources, need: Resources, haveIs = 'free'): string[] {
  return RESOURCE_UNITS.filter(unit => need[unit] > have[unit])
    .map(unit => `${amount(unit, need[unit])} needed, ${unit === 'cru' || unit === 'ipv4u' ? have[unit] : formatSize(have[unit])} ${haveIs}`)
}

/** What a placement asks of a farmer beyond room: where it is, what it offers, its price. */
export interface FarmerWants {
  country?: string
  farm?: string
  capabilities: string[]
  maxPrice?: number
  need: Resources
}

/** Every reason `advert` cannot take what is wanted; empty when it can. */
export function refusals (advert: Pick<Advert, 'country' | 'farm' | 'capabilities' | 'price' | 'free'>, wants: FarmerWants): string[] {
  return [
    ...(wants.country != null && advert.country !== wants.country ? [`in ${advert.country}, not ${wants.country}`] : []),
    ...(wants.farm != null && advert.farm !== wants.farm ? [`of farm ${advert.farm}, not ${wants.farm}`] : []),
    ...wants.capabilities.filter(c => !advert.capabilities.includes(c)).map(c => `does not offer ${c}`),
    ...(wants.maxPrice != null && advert.price.cuHour > wants.maxPrice ? [`asks ${advert.price.cuHour} ${advert.price.currency}/CU-hour, above ${wants.maxPrice}`] : []),
    ...shortWords(advert.free, wants.need)
  ]
}
