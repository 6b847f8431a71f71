import { ApiError, type Routes } from '@p2pcloud/api'
import { openReceipt, type UsageReceipt } from '@p2pcloud/contracts'
import type { DaemonPeer } from './services.js'

const notAFarmer = (): ApiError => new ApiError(404, 'NotAFarmer', 'this peer is not a farmer; it runs no workloads and earns no receipts')

/**
 * The farmer page's view of what this farmer runs and earns, beside `GET /v1/farmer/contracts`:
 * each deployment it holds with its workloads' states, and the receipts it signed for the
 * contracts of its live ledger. Both are as bounded as the ledger (its open contracts, and
 * MAX_LISTED_RECEIPTS per contract).
 */
export function uiFarmerRoutes (peer: DaemonPeer): Routes {
  const { contracts, farmer } = peer.libp2p.services
  return {
    'GET /v1/ui/farmer/workloads': async () => {
      const provisioner = farmer?.provisioner
      if (provisioner == null) throw notAFarmer()
      return provisioner.all().map(({ deployment, workloads, deleting }) => ({
        contractId: deployment.contractId, twin: deployment.twin, name: deployment.name, version: deployment.version, deleting, workloads
      }))
    },
    'GET /v1/ui/farmer/receipts': async () => {
      const book = contracts.ledger
      if (book == null) throw notAFarmer()
      const farmerId = peer.libp2p.peerId.toString()
      const receipts: UsageReceipt[] = []
      for (const record of book.all()) {
        // the ledger's own read, as the contract's twin would ask for it
        for (const envelope of await book.receipts(record.id, record.proposal.twin, 0)) receipts.push(await openReceipt(envelope, farmerId))
      }
      return receipts.sort((a, b) => b.periodEnd - a.periodEnd)
    }
  }
}
