import { ApiError, type Routes } from '@p2pcloud/api'
import { contractView, type Contracts } from '@p2pcloud/contracts'

/** `GET /v1/farmer/contracts`: every contract in this farmer's live ledger (open, or over for less than a quote's validity), newest first. */
export function contractRoutes (contracts: Contracts): Routes {
  return {
    'GET /v1/farmer/contracts': async () => {
      if (contracts.ledger == null) {
        throw new ApiError(404, 'NotAFarmer', 'this peer is not a farmer; it has no contract ledger')
      }
      return contracts.ledger.all().map(contractView)
    }
  }
}
