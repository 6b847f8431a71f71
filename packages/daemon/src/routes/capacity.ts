import { ApiError, badRequest, type Routes } from '@p2pcloud/api'
import { advertView, parseFindParams, type CapacityMarket, type FindParams } from '@p2pcloud/capacity'

/** How long `GET /v1/find` may spend asking the DHT before it answers with what it has. */
const FIND_DHT_TIMEOUT_MS = 10_000

/** `GET /v1/capacity` (this farmer's advert) and `GET /v1/find` (farmers matching a filter). */
export function capacityRoutes (market: CapacityMarket): Routes {
  return {
    'GET /v1/capacity': async () => {
      const own = market.ownAdvert()
      if (own == null) {
        throw new ApiError(404, 'NotAFarmer', 'this peer is not a farmer; create a farmer home with "p2pcloud init --farmer --farm NAME --country CC"')
      }
      return { ...advertView(own.advert), reserved: market.account?.reserved() }
    },
    'GET /v1/find': async (_req, url) => {
      const params: Record<string, string> = {}
      let localOnly = false
      for (const [key, value] of url.searchParams) {
        if (key === 'local') localOnly = value === '1' || value === 'true'
        else params[key] = value
      }
      let filter
      try {
        filter = parseFindParams(params as FindParams)
      } catch (err: any) {
        throw badRequest(err.message)
      }
      const entries = await market.find(filter, { localOnly, dhtTimeoutMs: FIND_DHT_TIMEOUT_MS })
      return entries.map(entry => advertView(entry.advert, entry.source))
    }
  }
}
