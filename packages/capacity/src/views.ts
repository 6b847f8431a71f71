import type { Advert } from './advert.js'
import type { AdvertSource } from './directory.js'
import type { PricePolicy } from './pricing.js'
import type { Resources } from './resources.js'

/** An advert as the API and `--json` print it: sizes in bytes, times as ISO strings. */
export interface AdvertView {
  peerId: string
  farm: string
  country: string
  city: string
  free: Resources
  total: Resources
  price: PricePolicy
  capabilities: string[]
  gatewayDomain?: string
  addresses: string[]
  version: string
  seq: number
  issuedAt: string
  expiresAt: string
  source?: AdvertSource
}

export function advertView (advert: Advert, source?: AdvertSource): AdvertView {
  return {
    peerId: advert.peerId,
    farm: advert.farm,
    country: advert.country,
    city: advert.city,
    free: advert.free,
    total: advert.total,
    price: advert.price,
    capabilities: advert.capabilities,
    ...(advert.gatewayDomain !== '' ? { gatewayDomain: advert.gatewayDomain } : {}),
    addresses: advert.addresses.map(a => `${a}/p2p/${advert.peerId}`),
    version: advert.version,
    seq: advert.seq,
    issuedAt: new Date(advert.issuedAt).toISOString(),
    expiresAt: new Date(advert.expiresAt).toISOString(),
    ...(source != null ? { source } : {})
  }
}
