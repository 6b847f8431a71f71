import type { FarmerOffer } from '@p2pcloud/daemon'

/** What a farmer offers, then one line per workload kind it does not, saying why. */
export function offerLines (offer: FarmerOffer): string[] {
  return [
    `  offers:   ${offer.offers.length > 0 ? offer.offers.join(', ') : 'none'}`,
    ...offer.notOffered.map(n => `  not ${n.capability}: ${n.reason}`)
  ]
}
