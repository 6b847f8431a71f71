import type { FarmerOffer } from '@p2pcloud/daemon'
import { formatSize } from '@p2pcloud/node/home-files'

/** What a farmer offers, then one line per workload kind it does not, saying why. */
export function offerLines (offer: FarmerOffer): string[] {
  return [
    `  offers:   ${offer.offers.length > 0 ? offer.offers.join(', ') : 'none'}`,
    ...offer.notOffered.map(n => `  not ${n.capability}: ${n.reason}`),
    ...capacityLines(offer.capacity)
  ]
}

/** Each unit's total, and how it was measured: why a farmer offers no SSD, for one. */
function capacityLines (capacity: FarmerOffer['capacity']): string[] {
  if (capacity == null) return []
  const { total, sources } = capacity
  const amounts = { cru: `${total.cru} cores`, mru: `${formatSize(total.mru)} RAM`, sru: `${formatSize(total.sru)} SSD`, hru: `${formatSize(total.hru)} HDD`, ipv4u: `${total.ipv4u} IPv4` }
  return Object.entries(amounts).map(([unit, amount]) => `  ${unit}: ${amount}${sources != null ? `: ${sources[unit as keyof typeof amounts]}` : ''}`)
}
